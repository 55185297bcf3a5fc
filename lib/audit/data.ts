// Reads of the audit log: verifying the hash chain.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { auditEntryHash, GENESIS_HASH } from "./hash";
import { INGESTION_KIND, SIGNIN_KINDS, type IngestionMode } from "./kinds";
import { auditEntityPath, summarizeAudit } from "./summary";
import { auditActorName, auditWords } from "./readable";
import { openCursor, sealCursor } from "./cursor";
import { AppError } from "@/lib/errors";

type Reader = Db | Tx;

export type ChainVerdict =
  { ok: true; checked: number } | { ok: false; checked: number; brokenAt: { seq: string; reason: string } };

const PAGE = 500;

/**
 * Walks the whole chain in seq order, a page at a time: each entry's hash must be the hash of its
 * content, its prevHash the previous entry's hash (the genesis hash for seq 1), and seqs contiguous
 * from 1, so an edited, deleted or inserted entry is found at the first seq where the chain breaks.
 * `checked` counts the entries that verified before the break.
 */
export async function verifyAuditChain(db: Reader, options: { pageSize?: number } = {}): Promise<ChainVerdict> {
  const take = Math.max(1, options.pageSize ?? PAGE);
  let checked = 0;
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  const broken = (seq: bigint, reason: string): ChainVerdict => ({
    ok: false,
    checked,
    brokenAt: { seq: seq.toString(), reason },
  });

  for (;;) {
    const page = await db.auditEntry.findMany({
      where: { seq: { gte: expectedSeq } },
      orderBy: { seq: "asc" },
      take,
    });
    for (const row of page) {
      if (row.seq !== expectedSeq) {
        return broken(expectedSeq, `entry ${expectedSeq} is missing (next entry is ${row.seq})`);
      }
      if (row.prevHash !== prevHash) {
        return broken(row.seq, `prevHash does not match the hash of entry ${row.seq - 1n}`);
      }
      const recomputed = auditEntryHash(row); // the row holds every hashed field (and its own hash, ignored)
      if (recomputed !== row.hash) {
        return broken(row.seq, "content does not match its hash (the entry was edited)");
      }
      checked++;
      prevHash = row.hash;
      expectedSeq = row.seq + 1n;
    }
    if (page.length < take) break;
  }

  // Entries below seq 1 (or a gap before the first page) cannot be reached by the walk above.
  const stray = await db.auditEntry.count({ where: { seq: { lt: 1n } } });
  if (stray > 0) return broken(0n, `${stray} entries have a seq below 1`);
  return { ok: true, checked };
}

// ── Browsing and export ──────────────────────────────────────────────────────────────────────────

export interface AuditFilter {
  agentId?: string;
  actionTypeId?: string;
  /** matches the actor's label (email, agent slug, detector) */
  actor?: string;
  /** a kind or a kind prefix, e.g. "request." */
  kind?: string;
  from?: Date;
  to?: Date;
  /** agents' outcome batches (events.ingested): included unless told (the page hides them by default) */
  ingestion?: IngestionMode;
  /** people's sign-ins and sign-outs: included unless told (the page hides them by default) */
  signins?: IngestionMode;
}

/**
 * Entries that tell about an open request's reviews (who reviewed, the decision and rationale, the
 * approvals so far). Blind review (SPEC §3 rule 3) holds in the audit log too: they are sealed from
 * every reader until the request closes (a rejection closes it, so every review on an open request is
 * an approval: even the existence of such an entry would leak the tally).
 */
export const SEALED_WHILE_OPEN = [
  "request.reviewed",
  "request.review_submitted",
  "request.approvals_invalidated",
] as const;

/** Open review requests and open contract additions (reviewed the same way, lib/contracts). */
async function openRequestIds(db: Reader): Promise<string[]> {
  const [open, contract] = await Promise.all([
    db.reviewRequest.findMany({ where: { status: "open" }, select: { id: true } }),
    db.contractRequest.findMany({ where: { status: "open" }, select: { id: true } }),
  ]);
  return [...open, ...contract].map((r) => r.id);
}

/**
 * The seal horizon (lib/audit/seal.ts): the seq of the first entry about the oldest open request, or
 * null when no request is open. Readers are shown entries, counts and checkpoints up to it only.
 */
export async function sealHorizon(db: Reader): Promise<bigint | null> {
  const open = await openRequestIds(db);
  if (open.length === 0) return null;
  const first = await db.auditEntry.findFirst({
    where: { entityId: { in: open } },
    orderBy: { seq: "asc" },
    select: { seq: true },
  });
  return first?.seq ?? 0n;
}

function sealedWhere(openIds: string[]) {
  return openIds.length ? { NOT: { kind: { in: [...SEALED_WHILE_OPEN] }, entityId: { in: openIds } } } : {};
}

function isSealed(row: { kind: string; entityId: string }, open: Set<string>): boolean {
  return (SEALED_WHILE_OPEN as readonly string[]).includes(row.kind) && open.has(row.entityId);
}

export interface AuditRow {
  seq: string;
  createdAt: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  kind: string;
  entityType: string;
  entityId: string;
  agentId: string | null;
  actionTypeId: string | null;
  data: unknown;
  hash: string;
  prevHash: string;
  /** a full export keeps sealed entries' place in the chain (seq, hashes) without their content */
  sealed?: true;
}

/**
 * The filter as a query; every condition narrows (AND). An entry is "about an agent" when it names the
 * agent or one of its action types: request and policy entries carry only the action type.
 */
async function where(db: Reader, f: AuditFilter, beforeSeq?: bigint) {
  const and: object[] = [];
  if (f.agentId) {
    const own = await db.actionType.findMany({ where: { agentId: f.agentId }, select: { id: true } });
    and.push({ OR: [{ agentId: f.agentId }, ...(own.length ? [{ actionTypeId: { in: own.map((a) => a.id) } }] : [])] });
  }
  if (f.actionTypeId) and.push({ actionTypeId: f.actionTypeId });
  if (f.actor) and.push({ actorLabel: { contains: f.actor, mode: "insensitive" as const } });
  if (f.kind) and.push({ kind: { startsWith: f.kind } });
  // Naming the ingestion kind is asking for it; otherwise the mode decides.
  const ingestion = f.kind === INGESTION_KIND ? "include" : f.ingestion;
  if (ingestion === "hide") and.push({ kind: { not: INGESTION_KIND } });
  if (ingestion === "only") and.push({ kind: INGESTION_KIND });
  const signins = (SIGNIN_KINDS as readonly string[]).includes(f.kind ?? "") ? "include" : f.signins;
  if (signins === "hide") and.push({ kind: { notIn: [...SIGNIN_KINDS] } });
  if (signins === "only") and.push({ kind: { in: [...SIGNIN_KINDS] } });
  if (f.from || f.to) and.push({ createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) } });
  if (beforeSeq !== undefined) and.push({ seq: { lt: beforeSeq } });
  return and.length ? { AND: and } : {};
}

function toRow(r: {
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
  hash: string;
  prevHash: string;
}): AuditRow {
  return { ...r, seq: r.seq.toString(), createdAt: r.createdAt.toISOString() };
}

/**
 * A row as the audit page shows it: who and what it is about by name, in one line, with a link. Past
 * the seal horizon (lib/audit/seal.ts) seq and hashes are null: a gap in seq, or a prevHash naming
 * no shown entry, would tell how many sealed entries lie between (and a hash covers its seq).
 */
export interface AuditListRow extends Omit<AuditRow, "seq" | "hash" | "prevHash"> {
  /** opaque and unique in the page (a React key), not a seq */
  id: string;
  seq: string | null;
  hash: string | null;
  prevHash: string | null;
  agent: { id: string; slug: string; name: string } | null;
  actionType: { id: string; key: string; name: string } | null;
  summary: string;
  path: string;
}

/**
 * The seq a page starts before: an opaque cursor of ours, or a seq a reader typed, clamped to just
 * past the horizon (a seq past it would let one probe where the shown entries sit).
 */
function startBefore(before: string | undefined, horizon: bigint | null): bigint | undefined {
  if (!before) return undefined;
  if (/^\d{1,19}$/.test(before)) {
    const seq = BigInt(before);
    return horizon !== null && seq > horizon + 1n ? horizon + 1n : seq;
  }
  const seq = openCursor(before);
  if (seq === null)
    throw new AppError("validation_failed", "The page cursor is not valid; start from the newest page.");
  return seq;
}

/** Newest first, keyset-paginated by seq (stable under concurrent appends) behind an opaque cursor. */
export async function listAudit(
  db: Reader,
  filter: AuditFilter,
  page: { before?: string; take?: number } = {},
): Promise<{ rows: AuditListRow[]; nextBefore: string | null }> {
  const take = Math.min(200, page.take ?? 50);
  const sealed = sealedWhere(await openRequestIds(db));
  const horizon = await sealHorizon(db);
  const rows = await db.auditEntry.findMany({
    where: { AND: [await where(db, filter, startBefore(page.before, horizon)), sealed] },
    orderBy: { seq: "desc" },
    take: take + 1,
  });
  const more = rows.length > take;
  const shown = rows.slice(0, take);
  const named = await withNames(db, shown.map(toRow));
  return {
    rows: named.map((r, i) => {
      const seq = shown[i]!.seq;
      const past = horizon !== null && seq > horizon;
      return {
        ...r,
        id: sealCursor(seq),
        ...(past ? { seq: null, hash: null, prevHash: null } : {}),
      };
    }),
    nextBefore: more ? sealCursor(shown[shown.length - 1]!.seq) : null,
  };
}

type NamedRow = AuditRow & Pick<AuditListRow, "agent" | "actionType" | "summary" | "path">;

/** Two reads for a page of rows: the action types and agents they name. */
async function withNames(db: Reader, rows: AuditRow[]): Promise<NamedRow[]> {
  const atIds = [...new Set(rows.map((r) => r.actionTypeId).filter((x): x is string => !!x))];
  const actionTypes = atIds.length
    ? await db.actionType.findMany({
        where: { id: { in: atIds } },
        select: { id: true, key: true, name: true, agentId: true },
      })
    : [];
  const agentIds = [
    ...new Set([...rows.map((r) => r.agentId), ...actionTypes.map((a) => a.agentId)].filter((x): x is string => !!x)),
  ];
  const agents = agentIds.length
    ? await db.agent.findMany({ where: { id: { in: agentIds } }, select: { id: true, slug: true, name: true } })
    : [];
  const atById = new Map(actionTypes.map((a) => [a.id, a]));
  const agentById = new Map(agents.map((a) => [a.id, a]));
  return rows.map((r) => {
    const at = r.actionTypeId ? atById.get(r.actionTypeId) : undefined;
    const agentId = r.agentId ?? at?.agentId ?? null;
    const agent = agentId ? (agentById.get(agentId) ?? null) : null;
    const actionType = at ? { id: at.id, key: at.key, name: at.name } : null;
    return { ...r, agent, actionType, summary: summarizeAudit(r, { agent, actionType }), path: auditEntityPath(r) };
  });
}

/**
 * An exported entry: the stored fields (the hash covers these), then what people read beside them
 * (derived at export time, not hashed): names for the ids, a one-line summary and the rationale as text.
 */
export interface AuditExportRow extends AuditRow {
  agentSlug: string | null;
  agentName: string | null;
  actionKey: string | null;
  actionName: string | null;
  actorName: string;
  summary: string;
  rationale: string;
}

/** Names for a page of rows: withNames' two reads, and the people and agents who acted. */
async function forPeople(db: Reader, rows: AuditRow[]): Promise<AuditExportRow[]> {
  const named = await withNames(db, rows);
  const idsOf = (type: string) => [
    ...new Set(rows.filter((r) => r.actorType === type && r.actorId).map((r) => r.actorId!)),
  ];
  const [userIds, agentIds] = [idsOf("user"), idsOf("agent")];
  const users = userIds.length
    ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } })
    : [];
  const agents = agentIds.length
    ? await db.agent.findMany({ where: { id: { in: agentIds } }, select: { id: true, name: true } })
    : [];
  const userById = new Map(users.map((u) => [u.id, u]));
  const agentById = new Map(agents.map((a) => [a.id, a]));
  // withNames keeps the order: named[i] is rows[i] with its names.
  return rows.map((r, i) => {
    const { agent, actionType, summary } = named[i]!;
    const by = r.actorId ?? "";
    return {
      ...r,
      agentSlug: agent?.slug ?? null,
      agentName: agent?.name ?? null,
      actionKey: actionType?.key ?? null,
      actionName: actionType?.name ?? null,
      actorName: auditActorName(r, { user: userById.get(by), agent: agentById.get(by) }),
      summary,
      rationale: auditWords(r.data)?.text ?? "",
    };
  });
}

/**
 * Every matching entry up to the seal horizon (lib/audit/seal.ts), oldest first, a page at a time:
 * memory stays flat whatever the size. An open request's review entries, and the entries after them,
 * are exported once the open requests close: neither stubs nor gaps in seq tell how many there are.
 */
export async function* iterateAudit(db: Reader, filter: AuditFilter, pageSize = 1000): AsyncGenerator<AuditExportRow> {
  let after = 0n;
  const open = new Set(await openRequestIds(db));
  const horizon = await sealHorizon(db);
  const matching = await where(db, filter);
  const upTo = horizon === null ? {} : { seq: { lte: horizon } };
  for (;;) {
    const page = await db.auditEntry.findMany({
      where: { AND: [matching, upTo, { seq: { gt: after } }] },
      orderBy: { seq: "asc" },
      take: pageSize,
    });
    yield* await forPeople(db, page.filter((r) => !isSealed(r, open)).map(toRow));
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.seq;
  }
}

/** Every entry after `from` (default: all), oldest first, as stored (for verification against the checkpoints). */
export async function* iterateAllEntries(db: Reader, pageSize = 1000, from = 0n, through?: bigint) {
  let after = from;
  for (;;) {
    const page = await db.auditEntry.findMany({
      where: { seq: through === undefined ? { gt: after } : { gt: after, lte: through } },
      orderBy: { seq: "asc" },
      take: pageSize,
    });
    yield* page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.seq;
  }
}

/** One entry as stored (the checkpoint job re-reads the entry its last checkpoint signed). */
export async function auditEntryAt(db: Reader, seq: bigint) {
  return db.auditEntry.findUnique({ where: { seq }, select: { seq: true, hash: true } });
}

/** The requests named by review entries, with their review rows (the verifier's cross-check). */
export async function requestFactsOf(
  db: Reader,
  requestIds: readonly string[],
): Promise<
  Map<string, { status: string; reviews: Array<{ reviewerId: string; decision: string; snapshotHash: string }> }>
> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const ids = [...new Set(requestIds)].filter((id) => uuid.test(id));
  const facts = new Map<
    string,
    { status: string; reviews: Array<{ reviewerId: string; decision: string; snapshotHash: string }> }
  >();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.reviewRequest.findMany({
      where: { id: { in: ids.slice(i, i + 500) } },
      select: { id: true, status: true, reviews: { select: { reviewerId: true, decision: true, snapshotHash: true } } },
    });
    for (const r of rows) facts.set(r.id, { status: r.status, reviews: r.reviews });
    const contract = await db.contractRequest.findMany({
      where: { id: { in: ids.slice(i, i + 500) } },
      select: { id: true, status: true, reviews: { select: { reviewerId: true, decision: true, snapshotHash: true } } },
    });
    for (const r of contract) facts.set(r.id, { status: r.status, reviews: r.reviews });
  }
  return facts;
}

/** The newest `audit.anomaly` entry, if any (the job records each break once). */
export async function latestAnomaly(db: Reader) {
  return db.auditEntry.findFirst({
    where: { kind: "audit.anomaly" },
    orderBy: { seq: "desc" },
    select: { seq: true, data: true },
  });
}

// ── The Merkle tree's stored hashes (lib/audit/tree.ts) ──────────────────────────────────────────

/** Stored subtree hashes by index (those present). */
export async function readTreeHashes(db: Reader, indexes: readonly number[]): Promise<Map<number, Buffer>> {
  if (indexes.length === 0) return new Map();
  const rows = await db.auditTreeHash.findMany({ where: { id: { in: indexes.map((i) => BigInt(i)) } } });
  return new Map(rows.map((r) => [Number(r.id), Buffer.from(r.hash)]));
}

/** The highest stored index, or null (hashes are written in increasing index order). */
export async function lastTreeHashIndex(db: Reader): Promise<number | null> {
  const max = await db.auditTreeHash.aggregate({ _max: { id: true } });
  return max._max.id === null ? null : Number(max._max.id);
}

/** The hashes of entries (after, upTo], oldest first. */
export async function entryHashesBetween(db: Reader, after: number, upTo: number) {
  return db.auditEntry.findMany({
    where: { seq: { gt: BigInt(after), lte: BigInt(upTo) } },
    orderBy: { seq: "asc" },
    select: { seq: true, hash: true },
  });
}

/** The newest signed C2SP checkpoint of at most `maxSize` entries (null: no bound). */
export async function latestSignedCheckpoint(db: Reader, maxSize: bigint | null) {
  return db.auditCheckpoint.findFirst({
    where: maxSize === null ? {} : { size: { lte: maxSize } },
    orderBy: { size: "desc" },
    select: { size: true, note: true },
  });
}

/** The newest entry's seq (0 when the log is empty). */
export async function headSeq(db: Reader): Promise<bigint> {
  const head = await db.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  return head?.seq ?? 0n;
}

/** The checkpoint's signed note with its witnesses' cosignature lines after the log's own (issue 24). */
export async function cosignedNote(db: Reader, size: bigint, note: string): Promise<string> {
  const lines = await db.auditCosignature.findMany({
    where: { checkpointSize: size },
    orderBy: { createdAt: "asc" },
    select: { line: true },
  });
  return note + lines.map((l) => l.line).join("");
}
