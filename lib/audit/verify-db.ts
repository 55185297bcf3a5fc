// The dashboard's verification: the database's entries against this server's checkpoint file.
import { createPublicKey } from "node:crypto";
import type { Db } from "@/lib/db";
import { iterateAllEntries } from "./data";
import { readCheckpointFile, signingKey } from "./checkpoints";
import { verifyEntries, type AuditVerdict } from "./verify";

export async function verifyAuditLog(db: Db): Promise<AuditVerdict> {
  const { checkpoints, badLines } = readCheckpointFile();
  const verdict = await verifyEntries(iterateAllEntries(db), checkpoints, createPublicKey(signingKey()));
  if (verdict.ok && badLines.length)
    return {
      ...verdict,
      ok: false,
      brokenAt: {
        seq: "0",
        reason: `the checkpoint file has unreadable lines (${badLines.slice(0, 5).join(", ")}): it was edited`,
      },
    };
  return verdict;
}
