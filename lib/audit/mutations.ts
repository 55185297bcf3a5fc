// Appends to the hash-chained audit log inside the caller's transaction: if the audit write fails,
// the change it records rolls back with it. A transaction-scoped advisory lock orders concurrent
// writers so the chain never forks.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import type { StateActor } from "@cwr/gating/state-types";
import { SYSTEM } from "@cwr/gating/state-requests";
import { auditEntryHash, GENESIS_HASH, type AuditContent } from "./hash";
import { treeAppend, type TreeRows } from "./tree";
import { sizeForStoredCount } from "./merkle";
import { entryHashesBetween, lastTreeHashIndex } from "./data";
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

// ── The Merkle tree (issue 24) ──────────────────────────────────────────────────────────────────

async function writeTreeHashes(tx: Tx, rows: TreeRows) {
  if (rows.length === 0) return;
  // skipDuplicates: hashes left from entries an owner deleted must not fail every later mutation; the
  // checkpoint job compares the stored tree with the entries and names the difference.
  await tx.auditTreeHash.createMany({
    data: rows.map((r) => ({ id: BigInt(r.index), hash: new Uint8Array(r.hash) })),
    skipDuplicates: true,
  });
}

/** Adds the leaves of entries up to `to` that have none yet (entries from before the tree), a page at a time. */
async function catchUpTree(tx: Tx, to: number, page = 1000): Promise<number> {
  let head: string | null = null;
  const last = await lastTreeHashIndex(tx);
  const from = last === null ? 0 : sizeForStoredCount(last + 1);
  let size = from;
  while (size < to) {
    const rows = await entryHashesBetween(tx, size, Math.min(to, size + page));
    if (rows.length === 0 || rows[0]!.seq !== BigInt(size + 1)) break; // a gap: the verifier names it
    const added = await treeAppend(
      tx,
      size,
      head,
      rows.map((r) => r.hash),
    );
    if (added.lagging) break; // hashes missing inside the tree: the checkpoint job names it
    await writeTreeHashes(tx, added.rows);
    size += rows.length;
    head = rows[rows.length - 1]!.hash;
  }
  return size - from;
}

/** The stored hashes the entries about to be inserted add, in the append's lock; a lagging tree is caught up first. */
async function treeRowsFor(tx: Tx, size: number, head: string | null, entryHashes: readonly string[]) {
  let added = await treeAppend(tx, size, head, entryHashes);
  if (added.lagging) {
    await catchUpTree(tx, size);
    added = await treeAppend(tx, size, head, entryHashes);
  }
  return added.lagging ? [] : added.rows;
}

/** An entry as stored: its hashed content and its hash. */
type EntryRow = AuditContent & { hash: string };

/** The entries and their tree hashes in one statement (skipping tree hashes already there: see writeTreeHashes). */
async function insertEntries(tx: Tx, rows: readonly EntryRow[], tree: TreeRows) {
  await tx.$executeRawUnsafe(
    `WITH tree AS (
       INSERT INTO audit_tree_hashes (id, hash)
       SELECT t.i::bigint, decode(t.h, 'hex') FROM unnest($1::text[], $2::text[]) AS t(i, h)
       ON CONFLICT (id) DO NOTHING
     )
     INSERT INTO audit_entries (seq, "createdAt", "actorType", "actorId", "actorLabel", kind, "entityType", "entityId", "agentId", "actionTypeId", data, "prevHash", hash)
     SELECT u.seq::bigint, u.c::timestamptz, u.at, u.ai, u.al, u.k, u.et, u.ei, u.ag::uuid, u.ac::uuid, u.d::jsonb, u.p, u.h
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
       AS u(seq, c, at, ai, al, k, et, ei, ag, ac, d, p, h)`,
    tree.map((r) => String(r.index)),
    tree.map((r) => r.hash.toString("hex")),
    rows.map((r) => r.seq.toString()),
    rows.map((r) => r.createdAt.toISOString()),
    rows.map((r) => r.actorType),
    rows.map((r) => r.actorId),
    rows.map((r) => r.actorLabel),
    rows.map((r) => r.kind),
    rows.map((r) => r.entityType),
    rows.map((r) => r.entityId),
    rows.map((r) => r.agentId),
    rows.map((r) => r.actionTypeId),
    rows.map((r) => JSON.stringify(r.data)),
    rows.map((r) => r.prevHash),
    rows.map((r) => r.hash),
  );
}

/** Takes the audit lock for the rest of the transaction: appends (and the tree) are serialised. */
async function lockAuditLog(tx: Tx) {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
}

/**
 * Takes into the Merkle tree the entries that have no leaf yet (a log written before the tree existed):
 * called at boot, so the first audited mutation after the upgrade does not pay for it. Returns how many.
 */
export async function catchUpAuditTree(db: Db): Promise<number> {
  return db.$transaction(
    async (tx) => {
      await lockAuditLog(tx);
      const head = await tx.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
      return catchUpTree(tx, Number(head?.seq ?? 0n));
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
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
  await lockAuditLog(tx);
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
  // The entries are the next leaves of the Merkle tree (issue 24): same transaction, same lock, and the
  // same statement as the entries (one round trip: the tree costs no extra query when this process
  // appended the head).
  const tree = await treeRowsFor(
    tx,
    Number(last?.seq ?? 0n),
    last?.hash ?? null,
    rows.map((r) => r.hash),
  );
  await insertEntries(tx, rows, tree);
  // People are told from here, keyed by audit kind: the outbox rows share the change's transaction.
  const notified = rows.flatMap((r) => {
    const kind = notificationKindFor(r.kind);
    return kind ? [{ kind, entry: r }] : [];
  });
  if (notified.length) await enqueueNotifications(tx, notified, subjects);
  return rows.map((r) => ({ seq: r.seq, hash: r.hash }));
}
