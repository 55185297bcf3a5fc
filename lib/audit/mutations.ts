// Appends to the hash-chained audit log inside the caller's transaction: if the audit write fails,
// the change it records rolls back with it. A transaction-scoped advisory lock orders concurrent
// writers so the chain never forks.
import type { Tx } from "@/lib/db/client";
import { auditEntryHash, GENESIS_HASH } from "./hash";
import { checkAuditData, type AuditKind } from "./kinds";
import { notificationKindFor } from "@/lib/notifications/kinds";
import { enqueueNotification } from "@/lib/notifications/outbox";

/** Key of the advisory lock that serialises audit appends (any constant unique to this purpose). */
const AUDIT_LOCK_KEY = 4_242_001;

export type Actor =
  | { type: "user"; id: string; label: string }
  | { type: "agent"; id: string; label: string }
  | { type: "system"; label: string };

export interface AuditInput {
  actor: Actor;
  kind: AuditKind;
  entityType: string;
  entityId: string;
  agentId?: string | null;
  actionTypeId?: string | null;
  data?: Record<string, unknown>;
}

export const SYSTEM_ACTOR: Actor = { type: "system", label: "system" };

/** JSON-safe copy (Dates → ISO strings, BigInt → string) so what is hashed is what is stored. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? {}, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

export async function appendAudit(tx: Tx, input: AuditInput, now: Date = new Date()) {
  const data = jsonSafe(input.data) as Record<string, unknown>;
  checkAuditData(input.kind, data); // before the lock: a malformed entry is refused without waiting
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const last = await tx.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  const content = {
    seq: (last?.seq ?? 0n) + 1n,
    createdAt: new Date(Math.floor(now.getTime())),
    actorType: input.actor.type,
    actorId: input.actor.type === "system" ? null : input.actor.id,
    actorLabel: input.actor.label,
    kind: input.kind,
    entityType: input.entityType,
    entityId: input.entityId,
    agentId: input.agentId ?? null,
    actionTypeId: input.actionTypeId ?? null,
    data,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const appended = await tx.auditEntry.create({
    data: { ...content, data: content.data as object, hash: auditEntryHash(content) },
    select: { seq: true, hash: true },
  });
  // People are told from here, keyed by audit kind: the outbox row shares the change's transaction.
  const notify = notificationKindFor(input.kind);
  if (notify) await enqueueNotification(tx, notify, { ...content, seq: appended.seq });
  return appended;
}
