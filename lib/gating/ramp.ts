// Ramp schedules of the autonomy slider (SPEC §7): a step advances only while the RUN bar holds on
// the subjects already ramped (the outcomes since the step began, through the same gate as every
// promotion), after the step's minimum time; the demotion detector's alarm steps the ramp back one
// step instead of leaving RUN, while there is a lower step to go back to. Pure: no clock, no I/O.
import { dayKey, evidenceFrom, promotionAlpha, type EvidenceState } from "./evidence-fold";
import { formatBar } from "./format";
import { effectivePercent, type SliderRules } from "./slider";
import { gateDecision } from "./statistics";
import { DAY_MS, type Counts, type PolicyRules, type Tier } from "./types";

export interface RampInput {
  tier: Tier;
  frozen: boolean;
  slider: SliderRules;
  rampStep: number;
  /** epoch ms the current step began */
  rampStepSince: number;
  now: number;
  rules: PolicyRules;
  evidence: Pick<EvidenceState, "days" | "restarts">;
}

export type RampVerdict =
  | { action: "hold"; reason: string }
  | {
      action: "advance";
      toStep: number;
      fromPercent: number;
      toPercent: number;
      reason: string;
      evidence: Counts & { statistic: number; label: string };
    };

export function hasSchedule(slider: SliderRules): slider is SliderRules & { steps: number[] } {
  return Array.isArray(slider.steps) && slider.steps.length > 0;
}

/** The RUN bar a step must hold: the bar the agent cleared to enter RUN (WALK's promotion bar). */
export function runBar(rules: PolicyRules) {
  return rules.tiers.WALK.promotion ?? null;
}

/** The outcomes of the subjects already ramped: the current evidence since the day the step began. */
export function stepEvidence(input: Pick<RampInput, "evidence" | "rampStepSince">): Counts {
  return evidenceFrom(input.evidence, dayKey(input.rampStepSince));
}

export function evaluateRampAdvance(input: RampInput): RampVerdict {
  const { slider, rampStep } = input;
  if (input.tier !== "RUN") return { action: "hold", reason: "the ramp moves only in RUN" };
  if (!hasSchedule(slider)) return { action: "hold", reason: "no ramp schedule" };
  if (input.frozen) return { action: "hold", reason: "frozen: the ramp holds its step" };
  const last = slider.steps.length - 1;
  if (rampStep >= last) return { action: "hold", reason: `at the last step (${effectivePercent(slider, rampStep)}%)` };
  const minDays = slider.minDaysPerStep ?? 0;
  const days = (input.now - input.rampStepSince) / DAY_MS;
  if (days < minDays)
    return {
      action: "hold",
      reason: `${Math.floor(days)} of ${minDays} days at ${effectivePercent(slider, rampStep)}%`,
    };
  const bar = runBar(input.rules);
  if (!bar) return { action: "hold", reason: "no RUN bar to measure the step against" };
  const counts = stepEvidence(input);
  if (counts.trials < bar.minSamples)
    return { action: "hold", reason: `${counts.trials} of ${bar.minSamples} outcomes at this step` };
  const gate = gateDecision(
    input.rules.gate,
    counts,
    bar.threshold,
    promotionAlpha(input.rules, input.evidence.restarts),
  );
  if (!gate.cleared)
    return {
      action: "hold",
      reason: `the RUN bar ${formatBar(bar.threshold)} does not hold at this step yet (${gate.label})`,
    };
  const toStep = rampStep + 1;
  const fromPercent = effectivePercent(slider, rampStep);
  const toPercent = effectivePercent(slider, toStep);
  return {
    action: "advance",
    toStep,
    fromPercent,
    toPercent,
    reason: `the RUN bar ${formatBar(bar.threshold)} holds on ${counts.trials} outcomes at ${fromPercent}% (${gate.label}) after ${Math.floor(days)} days: ${fromPercent}% → ${toPercent}%`,
    evidence: { ...counts, statistic: gate.statistic, label: gate.label },
  };
}

/**
 * Where a detector alarm in RUN goes: one ramp step back while there is a lower step (the tier stays
 * RUN on fewer subjects), else null (the tier is demoted as without a schedule).
 */
export function rampStepBack(
  slider: SliderRules,
  rampStep: number,
): { toStep: number; fromPercent: number; toPercent: number } | null {
  if (!hasSchedule(slider) || rampStep <= 0) return null;
  const toStep = Math.min(rampStep, slider.steps.length - 1) - 1;
  return { toStep, fromPercent: effectivePercent(slider, rampStep), toPercent: effectivePercent(slider, toStep) };
}
