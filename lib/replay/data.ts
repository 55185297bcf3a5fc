// The what-if replay's reads: the action type's recorded outcomes in (occurredAt, id) order, in pages
// (keyset, so memory stays bounded and no page is read twice), pushed into the pure PolicyReplay.
import type { Db } from "@/lib/db";
import { PolicyReplay, type ReplayResult } from "@/lib/gating/replay";
import type { FoldOutcome } from "@/lib/gating/evidence-fold";
import type { EventKind, PolicyRules, Severity, Tier } from "@/lib/gating/types";
import { currentPolicy } from "@/lib/policies/data";

export const REPLAY_PAGE = 20_000;

interface Row {
  id: string;
  at: number;
  kind: EventKind;
  tier: Tier;
  ver: string;
  sev: Severity | null;
  tkind: EventKind | null;
  ttier: Tier | null;
  tat: number | null;
  tver: string | null;
}

// Epoch milliseconds as float8: one number per row instead of a Date to parse.
const PAGE_SQL = `
SELECT e.id::text AS id, (extract(epoch from e."occurredAt") * 1000)::float8 AS at, e.kind::text AS kind, e.tier::text AS tier,
       e."agentVersion" AS ver, e.severity::text AS sev,
       t.kind::text AS tkind, t.tier::text AS ttier, (extract(epoch from t."occurredAt") * 1000)::float8 AS tat, t."agentVersion" AS tver
FROM outcome_events e
LEFT JOIN outcome_events t ON e.reverts IS NOT NULL AND t."agentId" = e."agentId" AND t."idempotencyKey" = e.reverts
WHERE e."actionTypeId" = $1::uuid AND (e."occurredAt", e.id) > ($2::timestamptz, $3::bigint)
ORDER BY e."occurredAt", e.id
LIMIT $4`;

function toFold(r: Row): FoldOutcome {
  return {
    kind: r.kind,
    tier: r.tier,
    occurredAt: r.at,
    agentVersion: r.ver || null,
    severity: r.sev,
    reverts: r.tkind ? { kind: r.tkind, tier: r.ttier!, occurredAt: r.tat!, agentVersion: r.tver || null } : null,
  };
}

export interface ReplayRun extends ReplayResult {
  actual: { changes: Array<{ at: number; from: Tier; to: Tier; cause: string }>; tier: Tier; frozen: boolean };
  pages: number;
}

/** Replays `rules` (or the current policy) over every recorded outcome of the action type. */
export async function replayActionType(db: Db, actionTypeId: string, options: { rules?: PolicyRules; promote?: "as_recorded" | "when_eligible"; now?: Date; pageSize?: number } = {}): Promise<ReplayRun> {
  const at = await db.actionType.findUniqueOrThrow({ where: { id: actionTypeId }, select: { createdAt: true, tier: true, frozen: true } });
  const policy = options.rules ? null : await currentPolicy(db, actionTypeId);
  const recorded = await db.tierChange.findMany({ where: { actionTypeId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { createdAt: true, fromTier: true, toTier: true, frozen: true, cause: true } });
  const replay = new PolicyReplay({
    rules: options.rules ?? policy!.rules,
    policyVersion: policy?.version ?? 0,
    createdAt: at.createdAt.getTime(),
    recorded: recorded.map((c: (typeof recorded)[number]) => ({ at: c.createdAt.getTime(), to: c.toTier, frozen: c.frozen, cause: c.cause })),
    promote: options.promote ?? "when_eligible",
  });
  const pageSize = options.pageSize ?? REPLAY_PAGE;
  // Exact to the millisecond both ways (timestamptz(3) ↔ ISO 8601), so no row is read twice or skipped.
  let cursor: { at: number; id: string } = { at: -62135596800000, id: "0" } /* 0001-01-01 */;
  let pages = 0;
  for (;;) {
    const rows = await db.$queryRawUnsafe<Row[]>(PAGE_SQL, actionTypeId, new Date(cursor.at).toISOString(), cursor.id, pageSize);
    pages++;
    if (rows.length === 0) break;
    replay.push(rows.map(toFold));
    const last = rows[rows.length - 1]!;
    cursor = { at: last.at, id: last.id };
    if (rows.length < pageSize) break;
  }
  const result = replay.finish((options.now ?? new Date()).getTime());
  return {
    ...result,
    actual: { changes: recorded.filter((c: (typeof recorded)[number]) => c.fromTier !== c.toTier).map((c: (typeof recorded)[number]) => ({ at: c.createdAt.getTime(), from: c.fromTier, to: c.toTier, cause: c.cause })), tier: at.tier, frozen: at.frozen },
    pages,
  };
}
