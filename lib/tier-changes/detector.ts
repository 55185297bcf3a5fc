// The automatic demotion detector, run inside the ingest transaction after each batch and by the
// periodic sweep. Demotes with cause automatic_demotion and the breached metric as the actor.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { demotionSampleFrom, evaluateDemotion } from "@/lib/gating";
import type { Severity, Tier } from "@/lib/gating/types";
import { windowStart } from "@/lib/metrics/data";
import { toDayMaps } from "@/lib/metrics/evidence-state";
import { currentPolicy } from "@/lib/policies/data";
import { repinOpenRequests } from "@/lib/requests/mutations";
import { recordSliderStep, recordTierChange } from "./mutations";
import { evaluateRampAdvance, rampStepBack, sliderOf } from "@/lib/gating";
import { EVIDENCE_STATE_SELECT, toEvidenceState, type EvidenceStateRow } from "@/lib/metrics/evidence-state";
import type { PolicyRules } from "@/lib/gating/types";
import { lockActionTypes, TX_OPTIONS } from "@/lib/db/locks";

export interface DetectorInput {
  /** highest CUSUM value reached since the last check (an alarm is an alarm even if W fell back) */
  peakCusum: number;
  worstIncident: Severity | null;
}

export async function detectAndDemote(tx: Tx, actionTypeId: string, input: DetectorInput, now: Date) {
  const at = await tx.actionType.findUniqueOrThrow({
    where: { id: actionTypeId },
    select: { key: true, tier: true, frozen: true, rampStep: true, rampStepSince: true, ...EVIDENCE_STATE_SELECT },
  });
  const tier = at.tier as Tier;
  if (tier === "CRAWL") return null;
  const policy = await currentPolicy(tx, actionTypeId);
  // The detector's minimum sample: what it counted in the window (wrong-tier failures included).
  const window = demotionSampleFrom(toDayMaps(at.stayDays), windowStart(now, policy.rules.tiers[tier].windowDays));
  const verdict = evaluateDemotion(
    { tier, cusum: input.peakCusum, window, incidentSeverity: input.worstIncident },
    policy.rules,
  );
  const slider = sliderOf(policy.rules);
  if (verdict.action !== "demote") {
    await advanceRamp(tx, actionTypeId, { ...at, tier }, policy, now);
    return null;
  }
  // A detector alarm in RUN with a lower ramp step to go back to steps back (an incident still demotes).
  const back = tier === "RUN" && verdict.breached.metric === "cusum" ? rampStepBack(slider, at.rampStep) : null;
  if (back) {
    await recordSliderStep(
      tx,
      {
        actionTypeId,
        ...back,
        cause: "ramp_step_back",
        actor: { type: "system", label: "detector:cusum" },
        rationale: `${verdict.reason.replace(/: RUN → WALK$/, "")}: RUN's ramp ${back.fromPercent}% → ${back.toPercent}%`,
        breached: { ...verdict.breached, policyVersion: policy.version },
      },
      now,
    );
    return { actionKey: at.key, from: tier, to: tier, reason: `ramp stepped back to ${back.toPercent}%` };
  }
  // A freeze holds promotions back; it never shields a regressing agent from demotion.
  await recordTierChange(
    tx,
    {
      actionTypeId,
      toTier: verdict.to,
      frozen: at.frozen,
      cause: "automatic_demotion",
      actor: { type: "system", label: `detector:${verdict.breached.metric}` },
      rationale: verdict.reason,
      breached: { ...verdict.breached, policyVersion: policy.version },
    },
    now,
  );
  await repinOpenRequests(tx, actionTypeId, `automatic demotion to ${verdict.to}`, now);
  return { actionKey: at.key, from: tier, to: verdict.to, reason: verdict.reason };
}

/** Job: re-checks every action type above CRAWL (windows move with time, not only with events). */
export async function sweepDemotions(db: Db, now = new Date()) {
  // Only a CUSUM above zero can fire (incidents act inside the ingest); RUN is checked for its ramp's clock.
  const candidates = await db.actionType.findMany({
    where: { OR: [{ tier: { not: "CRAWL" }, cusum: { gt: 0 } }, { tier: "RUN" }] },
    select: { id: true },
  });
  const demoted = [];
  for (const { id } of candidates) {
    const result = await db.$transaction(async (tx) => {
      await lockActionTypes(tx, [id]);
      const at = await tx.actionType.findUniqueOrThrow({ where: { id }, select: { cusum: true } });
      return detectAndDemote(tx, id, { peakCusum: at.cusum, worstIncident: null }, now);
    }, TX_OPTIONS);
    if (result && result.to !== result.from) demoted.push(result);
  }
  return demoted;
}

/** Moves a ramp schedule to its next step when the RUN bar holds on the subjects already ramped. */
async function advanceRamp(
  tx: Tx,
  actionTypeId: string,
  at: EvidenceStateRow & { tier: Tier; frozen: boolean; rampStep: number; rampStepSince: Date },
  policy: { version: number; rules: PolicyRules },
  now: Date,
) {
  const verdict = evaluateRampAdvance({
    tier: at.tier,
    frozen: at.frozen,
    slider: sliderOf(policy.rules),
    rampStep: at.rampStep,
    rampStepSince: at.rampStepSince.getTime(),
    now: now.getTime(),
    rules: policy.rules,
    evidence: toEvidenceState(at),
  });
  if (verdict.action !== "advance") return null;
  return recordSliderStep(
    tx,
    {
      actionTypeId,
      toStep: verdict.toStep,
      fromPercent: verdict.fromPercent,
      toPercent: verdict.toPercent,
      cause: "ramp_advance",
      actor: { type: "system", label: "ramp:run-bar" },
      rationale: verdict.reason,
      breached: { ...verdict.evidence, policyVersion: policy.version },
    },
    now,
  );
}
