// Writes of lib/state outside a decision: the health summary's refresh when time alone changed it
// (./health-summary.ts).
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { TX_OPTIONS } from "@/lib/db/locks";
import type { ActionTypeFacts } from "@cwr/gating";
import { healthSummary, type HealthSummary } from "@cwr/gating/health-summary";
import { blocksNewRequest } from "@cwr/gating/pending-requests";
import { PENDING_PROMOTIONS, snapshotStateVersionOf } from "@/lib/metrics/evidence";
import { EVIDENCE_STATE_SELECT, toEvidenceState } from "@/lib/metrics/evidence-state";
import { policyRulesSchema } from "@/lib/state/policy-rules-schema";

const REFRESH_SELECT = {
  id: true,
  agentId: true,
  key: true,
  tier: true,
  tierSince: true,
  frozen: true,
  stateVersion: true,
  rampStep: true,
  rampStepSince: true,
  ...EVIDENCE_STATE_SELECT,
  policies: { orderBy: { version: "desc" }, take: 1, select: { id: true, version: true, rules: true } },
} as const;

/**
 * Recomputes the summary of every row whose summary time has changed (`summaryStaleAt` ≤ now), `batch`
 * rows per transaction. Rows a writer holds are skipped: that writer leaves a fresh summary. Returns how
 * many rows it wrote.
 */
export async function refreshStaleSummaries(db: Db, now: Date = new Date(), batch = 1_000): Promise<number> {
  // The common case, outside a transaction: nothing is stale.
  // Ordered, so it reads the index even where the planner's statistics are old (PGlite has no autovacuum).
  const any = await db.actionType.findFirst({
    where: { summaryStaleAt: { lte: now } },
    orderBy: { summaryStaleAt: "asc" },
    select: { id: true },
  });
  if (!any) return 0;
  let total = 0;
  for (;;) {
    const n = await db.$transaction(async (tx) => {
      const locked = await tx.$queryRawUnsafe<Array<{ id: string }>>(
        `SELECT id::text AS id FROM action_types WHERE "summaryStaleAt" <= $1::timestamptz
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        now.toISOString(),
        batch,
      );
      if (locked.length === 0) return 0;
      const ids = locked.map((r) => r.id);
      const [rows, pending] = await Promise.all([
        tx.actionType.findMany({ where: { id: { in: ids } }, select: REFRESH_SELECT }),
        tx.reviewRequest.findMany({
          where: { ...PENDING_PROMOTIONS, actionTypeId: { in: ids } },
          select: { actionTypeId: true, kind: true, status: true, fromTier: true, snapshot: true },
        }),
      ]);
      const written: Array<{ id: string; summary: HealthSummary }> = [];
      for (const r of rows) {
        const policy = r.policies[0];
        if (!policy) {
          // No policy, no bar: not eligible, and nothing for time to change until a policy is written.
          written.push({ id: r.id, summary: { healthMargin: 1, eligibleFrom: null, staleAt: null } });
          continue;
        }
        const actionType: ActionTypeFacts = {
          id: r.id,
          agentId: r.agentId,
          key: r.key,
          tier: r.tier,
          tierSince: r.tierSince.getTime(),
          frozen: r.frozen,
          stateVersion: r.stateVersion,
          rampStep: r.rampStep,
          rampStepSince: r.rampStepSince.getTime(),
          evidence: toEvidenceState(r),
        };
        const openRequest = pending.some(
          (p) =>
            p.actionTypeId === r.id &&
            blocksNewRequest({ ...p, snapshotStateVersion: snapshotStateVersionOf(p.snapshot) }, actionType),
        );
        const s = healthSummary(
          {
            actionType,
            policy: { id: policy.id, version: policy.version, rules: policyRulesSchema.parse(policy.rules) },
          },
          openRequest,
          now.getTime(),
        );
        written.push({ id: r.id, summary: s });
      }
      await writeSummaries(tx, written);
      return locked.length;
    }, TX_OPTIONS);
    total += n;
    if (n < batch) return total;
  }
}

/** The health summaries of many rows in one statement (no tier, policy or request state: the overview's read model). */
async function writeSummaries(tx: Tx, rows: Array<{ id: string; summary: HealthSummary }>) {
  if (rows.length === 0) return;
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  await tx.$executeRawUnsafe(
    `UPDATE action_types a SET "healthMargin" = v.m, "eligibleFrom" = v.e::timestamptz, "summaryStaleAt" = v.s::timestamptz
     FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::float8[]) AS m, unnest($3::text[]) AS e, unnest($4::text[]) AS s) v
     WHERE a.id = v.id`,
    rows.map((r) => r.id),
    rows.map((r) => r.summary.healthMargin),
    rows.map((r) => iso(r.summary.eligibleFrom)),
    rows.map((r) => iso(r.summary.staleAt)),
  );
}
