// Ramp schedules of the autonomy slider (SPEC §7 "How they stay honest"). A step is a promotion on
// external customers, so it obeys §2 in full:
// - it advances only on the anytime-valid e-process, whatever gate the policy names for tier promotion
//   (a re-checked one-look gate would leak: issue 20 item 1);
// - on the ramped subjects' outcomes since the exact moment the step began (the fold's step counters,
//   never the step's day), after the step's minimum time and minimum sample;
// - with α spent across the step tests of one stay in RUN: the j-th test that holds outcomes (each new
//   step, each re-advance after a step back, each new schedule or agent version) tests at
//   α_j = α·2^−(j+1), and Σ_j α_j = α·(1/2 + 1/4 + …) ≤ α, so by the union bound over the stay's
//   tests (each anytime-valid at its own level) a false step advance happens with probability ≤ α.
// The demotion detector's alarm steps the ramp back one step instead of leaving RUN, while there is a
// lower step to go back to. Pure: no clock, no I/O.
import type { EvidenceState, StepCounters } from "./evidence-fold";
import { formatBar, formatComparison } from "./format";
import { effectivePercent, type SliderRules } from "./slider";
import { logEProcess } from "./statistics";
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
  evidence: Pick<EvidenceState, "step">;
}

export type RampVerdict =
  | { action: "hold"; reason: string }
  | {
      action: "advance";
      toStep: number;
      fromPercent: number;
      toPercent: number;
      reason: string;
      /** the step's own outcomes, its e-value and the α_j of its test */
      evidence: Counts & { statistic: number; label: string; alpha: number; test: number };
    };

export function hasSchedule(slider: SliderRules): slider is SliderRules & { steps: number[] } {
  return Array.isArray(slider.steps) && slider.steps.length > 0;
}

/** The RUN bar a step must hold: the bar the agent cleared to enter RUN (WALK's promotion bar). */
export function runBar(rules: PolicyRules) {
  return rules.tiers.WALK.promotion ?? null;
}

/** α_j of the ramp's j-th step test in one stay in RUN: α·2^−(j+1) (Σ_j α_j ≤ α). Underflows to 0, never NaN. */
export function rampAlpha(alpha: number, test: number): number {
  return alpha * 2 ** -(test + 1);
}

/** ln(1/α_j), in log space so it stays finite for any j. */
export function logRampLevel(alpha: number, test: number): number {
  return -Math.log(alpha) + (test + 1) * Math.LN2;
}

/** The sequence in words, for the page and the reasons. */
export function rampAlphaWords(alpha: number, test: number): string {
  return `step test ${test + 1} of this stay in RUN at α = ${formatRampAlpha(rampAlpha(alpha, test))} (α·2^−${test + 1}; the stay's step tests together spend at most α = ${formatRampAlpha(alpha)})`;
}

/** An α for people: three significant digits, scientific below 0.001. */
export const formatRampAlpha = (a: number) => (a >= 0.001 ? String(Number(a.toPrecision(3))) : a.toExponential(2));

/** The outcomes of the subjects already ramped since the exact moment the step began. */
export function stepEvidence(input: Pick<RampInput, "evidence">): Counts {
  const { successes, trials } = input.evidence.step;
  return { successes, trials };
}

/** The e-process on the step's own outcomes against the RUN bar, at the step test's α_j. */
export function stepGate(step: StepCounters, bar: number, alpha: number) {
  const level = logRampLevel(alpha, step.spent);
  const logE = logEProcess(step.successes, step.trials, bar);
  const cleared = logE >= level;
  const statistic = Math.min(Math.exp(logE), Number.MAX_VALUE);
  const required = Math.min(Math.exp(level), Number.MAX_VALUE);
  return {
    cleared,
    statistic,
    alpha: rampAlpha(alpha, step.spent),
    test: step.spent,
    label: `e-value ${formatComparison(statistic, required, cleared, "number")}`,
  };
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
  const gate = stepGate(input.evidence.step, bar.threshold, input.rules.alpha);
  if (!gate.cleared)
    return {
      action: "hold",
      reason: `the RUN bar ${formatBar(bar.threshold)} does not hold at this step yet (${gate.label}, ${rampAlphaWords(input.rules.alpha, gate.test)})`,
    };
  const toStep = rampStep + 1;
  const fromPercent = effectivePercent(slider, rampStep);
  const toPercent = effectivePercent(slider, toStep);
  return {
    action: "advance",
    toStep,
    fromPercent,
    toPercent,
    reason: `the RUN bar ${formatBar(bar.threshold)} holds on ${counts.trials} outcomes at ${fromPercent}% (${gate.label}, ${rampAlphaWords(input.rules.alpha, gate.test)}) after ${Math.floor(days)} days: ${fromPercent}% → ${toPercent}%`,
    evidence: { ...counts, statistic: gate.statistic, label: gate.label, alpha: gate.alpha, test: gate.test },
  };
}

/** A new or changed schedule (SPEC §7): it starts its first step when the policy is applied, with no evidence. */
export function scheduleChanged(before: SliderRules, after: SliderRules): boolean {
  if (!hasSchedule(after)) return false;
  const key = (s: SliderRules) =>
    hasSchedule(s) ? JSON.stringify({ steps: s.steps, minDaysPerStep: s.minDaysPerStep ?? 0 }) : null;
  return key(before) !== key(after);
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
