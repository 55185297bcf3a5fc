// The action type page's slider panel: RUN's percentage, the ramp schedule, outcomes per step of the
// current RUN stay, and the current step's evidence in plain words (the pure ramp rule's own reason).
import type { Db } from "@/lib/db";
import { effectivePercent, evaluateRampAdvance, hasSchedule, sliderOf, stepEvidence } from "@/lib/gating";
import { SLIDER_STEP_CAUSES } from "@/lib/gating/types";
import { EVIDENCE_STATE_SELECT, toEvidenceState } from "@/lib/metrics/evidence-state";
import { currentPolicy } from "@/lib/policies/data";

export interface SliderPanelData {
  tier: string;
  percent: number;
  steps: number[] | null;
  minDaysPerStep: number;
  rampStep: number;
  rampStepSince: string;
  /** outcomes reported at RUN during each step of the current stay, oldest first */
  perStep: Array<{ percent: number; from: string; to: string | null; outcomes: number }>;
  /** the current step: its evidence and what the ramp waits for, in words */
  evidence: { successes: number; trials: number; words: string };
}

export async function sliderPanelData(db: Db, actionTypeId: string, now = new Date()): Promise<SliderPanelData> {
  const at = await db.actionType.findUniqueOrThrow({
    where: { id: actionTypeId },
    select: {
      tier: true,
      tierSince: true,
      frozen: true,
      rampStep: true,
      rampStepSince: true,
      ...EVIDENCE_STATE_SELECT,
    },
  });
  const policy = await currentPolicy(db, actionTypeId);
  const slider = sliderOf(policy.rules);
  const state = toEvidenceState(at);
  const steps = await db.tierChange.findMany({
    where: { actionTypeId, cause: { in: [...SLIDER_STEP_CAUSES] }, createdAt: { gte: at.tierSince } },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true, actorSystem: true },
  });
  // Step boundaries of this stay: its start, then every step change (with the percentage it moved to).
  const bounds: Array<{ from: Date; percent: number }> = [
    {
      from: at.tierSince,
      percent: Number(
        (steps[0]?.actorSystem as { fromPercent?: number } | null)?.fromPercent ??
          effectivePercent(slider, at.rampStep),
      ),
    },
  ];
  for (const s of steps)
    bounds.push({
      from: s.createdAt,
      percent: Number((s.actorSystem as { toPercent?: number } | null)?.toPercent ?? 0),
    });
  const perStep = [];
  for (const [i, b] of bounds.entries()) {
    const to = bounds[i + 1]?.from ?? null;
    const outcomes =
      at.tier === "RUN"
        ? await db.outcomeEvent.count({
            where: {
              actionTypeId,
              tier: "RUN",
              kind: { not: "incident" },
              occurredAt: { gte: b.from, ...(to ? { lt: to } : {}) },
            },
          })
        : 0;
    perStep.push({ percent: b.percent, from: b.from.toISOString(), to: to?.toISOString() ?? null, outcomes });
  }
  const verdict = evaluateRampAdvance({
    tier: at.tier,
    frozen: at.frozen,
    slider,
    rampStep: at.rampStep,
    rampStepSince: at.rampStepSince.getTime(),
    now: now.getTime(),
    rules: policy.rules,
    evidence: state,
  });
  const counts = stepEvidence({ evidence: state, rampStepSince: at.rampStepSince.getTime() });
  const percent = effectivePercent(slider, at.rampStep);
  const words =
    at.tier !== "RUN"
      ? `Not in RUN: the slider applies once the action type reaches RUN (it would act on ${percent}% of external subjects).`
      : verdict.action === "advance"
        ? `Ready to advance: ${verdict.reason}.`
        : `${counts.successes} of ${counts.trials} outcomes at this step were successes; ${hasSchedule(slider) ? `the ramp holds at ${percent}%: ${verdict.reason}.` : `the slider is fixed at ${percent}%.`}`;
  return {
    tier: at.tier,
    percent,
    steps: hasSchedule(slider) ? slider.steps : null,
    minDaysPerStep: slider.minDaysPerStep ?? 0,
    rampStep: at.rampStep,
    rampStepSince: at.rampStepSince.toISOString(),
    perStep: at.tier === "RUN" ? perStep : [],
    evidence: { ...counts, words },
  };
}
