// Metric reads: chart series come from daily rollups, never from a scan of raw events. (Windows are
// read from the evidence fold's per-day counts: lib/metrics/evidence-state.ts.)
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import type { Tier } from "@cwr/gating/types";
import { windowStartDay } from "@cwr/gating/state-eligibility";
import { recentDailyVolume } from "@cwr/gating/distance";
import { dayOf } from "./mutations";
import { currentPolicy } from "@/lib/policies/data";
import { EVIDENCE_STATE_SELECT, toEvidenceState } from "./evidence-state";
import { blocksNewRequest } from "@cwr/gating/pending-requests";
import { evidenceView, PENDING_PROMOTIONS, snapshotStateVersionOf, type LiveEvidence } from "./evidence";

type Reader = Db | Tx;

/** First day (UTC) inside a window of `windowDays` whole days ending today. */
export function windowStart(now: Date, windowDays: number): string {
  return windowStartDay(now.getTime(), windowDays);
}

export interface DailyPoint {
  day: string;
  tier: Tier;
  successes: number;
  failures: number;
  incidents: number;
}

export async function dailySeries(
  db: Reader,
  actionTypeId: string,
  sinceDays: number,
  now: Date,
): Promise<DailyPoint[]> {
  const rows = await db.metricRollup.findMany({
    where: { actionTypeId, day: { gte: new Date(windowStart(now, sinceDays)) } },
    orderBy: { day: "asc" },
    select: { day: true, tier: true, successes: true, failures: true, incidents: true },
  });
  return rows.map((r) => ({
    day: dayOf(r.day),
    tier: r.tier,
    successes: r.successes,
    failures: r.failures,
    incidents: r.incidents,
  }));
}

/** The live evidence of one action type, read now (the review page, the card, the policy page). */
export async function liveEvidence(db: Reader, actionTypeId: string, now: Date): Promise<LiveEvidence> {
  const at = await db.actionType.findUniqueOrThrow({
    where: { id: actionTypeId },
    select: {
      id: true,
      key: true,
      agentId: true,
      tier: true,
      tierSince: true,
      frozen: true,
      stateVersion: true,
      rampStep: true,
      rampStepSince: true,
      ...EVIDENCE_STATE_SELECT,
      agent: { select: { slug: true } },
    },
  });
  const policy = await currentPolicy(db, actionTypeId);
  const pending = await db.reviewRequest.findMany({
    where: { actionTypeId, ...PENDING_PROMOTIONS },
    select: { kind: true, status: true, fromTier: true, snapshot: true },
  });
  const live = evidenceView(
    {
      actionType: {
        id: at.id,
        agentId: at.agentId,
        key: at.key,
        tier: at.tier as Tier,
        tierSince: at.tierSince.getTime(),
        frozen: at.frozen,
        stateVersion: at.stateVersion,
        rampStep: at.rampStep,
        rampStepSince: at.rampStepSince.getTime(),
        evidence: toEvidenceState(at),
        agentSlug: at.agent.slug,
        agentVersion: at.agentVersion,
      },
      policy: { id: policy.id, version: policy.version, rules: policy.rules },
      openRequest: pending.some((r) =>
        blocksNewRequest({ ...r, snapshotStateVersion: snapshotStateVersionOf(r.snapshot) }, at),
      ),
    },
    now,
  );
  return { ...live, dailyVolume: recentDailyVolume(toEvidenceState(at), now.getTime()) };
}
