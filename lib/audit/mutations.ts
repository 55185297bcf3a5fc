// Appends to the hash-chained audit log inside the caller's transaction: if the audit write fails,
// the change it records rolls back with it. A transaction-scoped advisory lock orders concurrent
// writers so the chain never forks.
import type { Tx } from "@/lib/db/client";
import type { StateActor } from "@cwr/gating/state-types";
import { SYSTEM } from "@cwr/gating/state-requests";
import { auditEntryHash, GENESIS_HASH } from "./hash";
import { checkAuditData, type AuditKind } from "./kinds";
import { notificationKindFor } from "@/lib/notifications/kinds";
import { enqueueNotifications, type NotificationSubjects } from "@/lib/notifications/outbox";

/** Key of the advisory lock that serialises audit appends (any constant unique to this purpose). */
const AUDIT_LOCK_KEY = 4_242_001;

/** Who did it: the same actor the state core records (one type). */
export type Actor = StateActor;

export interface AuditInput {
  actor: Actor;
  kind: AuditKind;
  entityType: string;
  entityId: string;
  agentId?: string | null;
  actionTypeId?: string | null;
  data?: Record<string, unknown>;
}

/** The product itself (jobs, the detector): the same actor the state core records. */
export const SYSTEM_ACTOR: Actor = SYSTEM;

/** JSON-safe copy (Dates → ISO strings, BigInt → string) so what is hashed is what is stored. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? {}, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

export async function appendAudit(tx: Tx, input: AuditInput, now: Date = new Date()) {
  return (await appendAuditEntries(tx, [input], now))[0]!;
}

/**
 * Appends several entries in their order: one lock, one read of the head, one INSERT (and the outbox's
 * rows). `subjects` names the agents and action types the entries are about, when the caller has them.
 */
export async function appendAuditEntries(
  tx: Tx,
  inputs: readonly AuditInput[],
  now: Date = new Date(),
  subjects?: NotificationSubjects,
): Promise<Array<{ seq: bigint; hash: string }>> {
  if (inputs.length === 0) return [];
  const datas = inputs.map((input) => {
    const data = jsonSafe(input.data) as Record<string, unknown>;
    checkAuditData(input.kind, data); // before the lock: a malformed entry is refused without waiting
    return data;
  });
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const last = await tx.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  let seq = last?.seq ?? 0n;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const createdAt = new Date(Math.floor(now.getTime()));
  const rows = inputs.map((input, i) => {
    seq += 1n;
    const content = {
      seq,
      createdAt,
      actorType: input.actor.type,
      actorId: input.actor.type === "system" ? null : input.actor.id,
      actorLabel: input.actor.label,
      kind: input.kind,
      entityType: input.entityType,
      entityId: input.entityId,
      agentId: input.agentId ?? null,
      actionTypeId: input.actionTypeId ?? null,
      data: datas[i]!,
      prevHash,
    };
    const hash = auditEntryHash(content);
    prevHash = hash;
    return { ...content, hash };
  });
  await tx.auditEntry.createMany({ data: rows.map((r) => ({ ...r, data: r.data as object })) });
  // People are told from here, keyed by audit kind: the outbox rows share the change's transaction.
  const notified = rows.flatMap((r) => {
    const kind = notificationKindFor(r.kind);
    return kind ? [{ kind, entry: r }] : [];
  });
  if (notified.length) await enqueueNotifications(tx, notified, subjects);
  return rows.map((r) => ({ seq: r.seq, hash: r.hash }));
}
