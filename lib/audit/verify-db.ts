// The dashboard's verification: the database's entries against this server's checkpoint file.
import { createPublicKey } from "node:crypto";
import type { Db } from "@/lib/db";
import { iterateAllEntries, sealHorizon } from "./data";
import { readCheckpointFile, signingKey } from "./checkpoints";
import { verifyEntries, type AuditVerdict } from "./verify";
import { verdictForReaders, type ReaderVerdict } from "./seal";

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

/** The dashboard's verdict: the whole chain verified, counted only up to the seal horizon (lib/audit/seal.ts). */
export async function verifyAuditLogForReaders(db: Db): Promise<ReaderVerdict> {
  const verdict = await verifyAuditLog(db);
  return verdictForReaders(verdict, readCheckpointFile().checkpoints, await sealHorizon(db));
}
