// The what-if replay's reads: the action type's recorded outcomes in (occurredAt, id) order, in pages
// (keyset, so memory stays bounded and no page is read twice), pushed into the pure PolicyReplay.
import type { Db } from "@/lib/db";
import { PolicyReplay, type ReplayResult } from "@/lib/gating/replay";
import type { FoldOutcome } from "@/lib/gating/evidence-fold";
import type { EventKind, PolicyRules, Severity, Tier } from "@/lib/gating/types";
import { currentPolicy } from "@/lib/policies/data";
import { AppError } from "@/lib/errors";
import type { ReplayPoint, ReplaySummary } from "./sentence";

export const REPLAY_PAGE = 20_000;

/** One outcome of a page: [at, kind, tier, version, severity, the reverted event or null, source]. */
type Cell = [number, EventKind, Tier, string, Severity | null, [EventKind, Tier, number, string] | null, string];
interface Page {
  n: number;
  last_id: string | null;
  rows: string | null;
}

// Epoch milliseconds (exact: timestamptz(3)); the cursor goes back as ISO 8601, exact too. One JSON
// value per page: converting 20,000 rows one by one costs more than folding them. The reverted event
// is a scalar subquery behind a CASE, so only the rows that name one touch the unique index (a join
// is planned as a hash over the whole table, on every page).
export const PAGE_SQL = `
WITH page AS (
  SELECT e.id, e."occurredAt", e.kind, e.tier, e."agentVersion", e.severity, e.reverts, e."agentId", e.source
  FROM outcome_events e
  WHERE e."actionTypeId" = $1::uuid AND (e."occurredAt", e.id) > ($2::timestamptz, $3::bigint)
  ORDER BY e."occurredAt", e.id
  LIMIT $4
)
SELECT count(*)::int AS n,
  (array_agg(p.id::text ORDER BY p."occurredAt" DESC, p.id DESC))[1] AS last_id,
  json_agg(json_build_array(
    (extract(epoch from p."occurredAt") * 1000)::float8, p.kind, p.tier, p."agentVersion", p.severity,
    CASE WHEN p.reverts IS NULL THEN NULL ELSE (
      SELECT json_build_array(x.kind, x.tier, (extract(epoch from x."occurredAt") * 1000)::float8, x."agentVersion")
      FROM outcome_events x WHERE x."agentId" = p."agentId" AND x."idempotencyKey" = p.reverts) END,
    p.source
  ) ORDER BY p."occurredAt", p.id)::text AS rows
FROM page p`;

function toFold(rows: Cell[]): FoldOutcome[] {
  const out: FoldOutcome[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [at, kind, tier, ver, sev, rev, source] = rows[i]!;
    out[i] = {
      kind,
      tier,
      occurredAt: at,
      agentVersion: ver || null,
      severity: sev,
      reverts: rev ? { kind: rev[0], tier: rev[1], occurredAt: rev[2], agentVersion: rev[3] || null } : null,
      source,
    };
  }
  return out;
}

export interface ReplayRun extends ReplayResult {
  actual: { changes: Array<{ at: number; from: Tier; to: Tier; cause: string }>; tier: Tier; frozen: boolean };
  pages: number;
}

/** Replays `rules` (or the current policy) over every recorded outcome of the action type. */
export async function replayActionType(
  db: Db,
  actionTypeId: string,
  options: { rules?: PolicyRules; promote?: "as_recorded" | "when_eligible"; now?: Date; pageSize?: number } = {},
): Promise<ReplayRun> {
  const at = await db.actionType.findUniqueOrThrow({
    where: { id: actionTypeId },
    select: { createdAt: true, tier: true, frozen: true },
  });
  const policy = options.rules ? null : await currentPolicy(db, actionTypeId);
  const recorded = await db.tierChange.findMany({
    where: { actionTypeId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { createdAt: true, fromTier: true, toTier: true, frozen: true, cause: true },
  });
  const replay = new PolicyReplay({
    rules: options.rules ?? policy!.rules,
    policyVersion: policy?.version ?? 0,
    createdAt: at.createdAt.getTime(),
    recorded: recorded.map((c: (typeof recorded)[number]) => ({
      at: c.createdAt.getTime(),
      to: c.toTier,
      frozen: c.frozen,
      cause: c.cause,
    })),
    promote: options.promote ?? "when_eligible",
  });
  const pageSize = options.pageSize ?? REPLAY_PAGE;
  // Exact to the millisecond both ways (timestamptz(3) ↔ ISO 8601), so no row is read twice or skipped.
  const readPage = async (cursor: { at: number; id: string }) =>
    (
      await db.$queryRawUnsafe<Page[]>(PAGE_SQL, actionTypeId, new Date(cursor.at).toISOString(), cursor.id, pageSize)
    )[0];
  // The next page is read while this one is folded (the database works while the fold runs).
  let next = readPage({ at: -62135596800000, id: "0" }); /* 0001-01-01 */
  let pages = 0;
  for (;;) {
    const page = await next;
    pages++;
    if (!page || page.n === 0 || !page.rows) break;
    const rows = JSON.parse(page.rows) as Cell[];
    const more = page.n >= pageSize;
    if (more) {
      next = readPage({ at: rows[rows.length - 1]![0], id: page.last_id! });
      next.catch(() => undefined); // awaited on the next turn; a fold that throws first must not leave it unhandled
    }
    replay.push(toFold(rows));
    if (!more) break;
  }
  const result = replay.finish((options.now ?? new Date()).getTime());
  return {
    ...result,
    actual: {
      changes: recorded
        .filter((c: (typeof recorded)[number]) => c.fromTier !== c.toTier)
        .map((c: (typeof recorded)[number]) => ({
          at: c.createdAt.getTime(),
          from: c.fromTier,
          to: c.toTier,
          cause: c.cause,
        })),
      tier: at.tier,
      frozen: at.frozen,
    },
    pages,
  };
}

// ---- The replay as pages show it: the proposed policy's timeline (promoted when eligible, the detector
// replayed) against what really happened, and the tier each ends at today. Plain, serialisable data.
const point = (c: { at: number; from: Tier; to: Tier; cause: string }): ReplayPoint => ({
  at: new Date(c.at).toISOString(),
  from: c.from,
  to: c.to,
  cause: c.cause,
});

export async function replaySummary(
  db: Db,
  actionTypeId: string,
  rules: PolicyRules,
  now = new Date(),
): Promise<ReplaySummary> {
  const found = await db.actionType.findUnique({ where: { id: actionTypeId }, select: { createdAt: true } });
  if (!found) throw new AppError("not_found", "No such action type.");
  const { createdAt } = found;
  const run = await replayActionType(db, actionTypeId, { rules, promote: "when_eligible", now });
  return {
    outcomes: run.outcomes,
    createdAt: createdAt.toISOString(),
    now: now.toISOString(),
    proposed: {
      changes: run.changes.filter((c) => c.from !== c.to).map(point),
      tier: run.tier,
      eligibleAt: run.eligibleAt.map((e) => new Date(e.at).toISOString()),
    },
    actual: { changes: run.actual.changes.map(point), tier: run.actual.tier },
  };
}
