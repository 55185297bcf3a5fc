// The content of an audit entry that its hash covers, and the hash itself.
import { createHash } from "node:crypto";
import { canonicalJson } from "@cwr/gating/canonical";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditContent {
  seq: bigint;
  createdAt: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  kind: string;
  entityType: string;
  entityId: string;
  agentId: string | null;
  actionTypeId: string | null;
  data: unknown;
  prevHash: string;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function auditEntryHash(entry: AuditContent): string {
  return sha256Hex(
    canonicalJson({
      seq: entry.seq.toString(),
      createdAt: entry.createdAt.toISOString(),
      actorType: entry.actorType,
      actorId: entry.actorId,
      actorLabel: entry.actorLabel,
      kind: entry.kind,
      entityType: entry.entityType,
      entityId: entry.entityId,
      agentId: entry.agentId,
      actionTypeId: entry.actionTypeId,
      data: entry.data,
      prevHash: entry.prevHash,
    }),
  );
}
