// SPEC §3 rule 1: may a promotion request be opened now, and if not, exactly why not.

import { logRestartLevel, ordinal } from "./alpha-spending";
import { promotionAlpha, type GateLook } from "./evidence-fold";
import { formatDays } from "./format";
import { gateOf } from "./gates";
import { tierAbove } from "./outcomes";
import type { GateDecision } from "./statistics";
import { DAY_MS, type Counts, type PolicyRules, type Tier } from "./types";

// Declared with the rest of the vocabulary; re-exported for the callers that read it here.
export { DAY_MS };

export interface EligibilityState {
  tier: Tier;
  tierSince: Date;
  frozen: boolean;
  /** a promotion or override request out of this tier is already open */
  openRequest: boolean;
  /** cumulative since max(tier entry, first outcome of the current version): the e-process is only valid over the whole sequence */
  evidence: Counts;
  /** the same evidence inside the tier's windowDays: what `raw` reads */
  window: Counts;
  /** version restarts within this stay (α_j); 0 when absent */
  restarts?: number;
  /** `wilson`: the one look, once taken */
  look?: GateLook | null;
}

export type UnmetCode = "top_tier" | "frozen" | "open_request" | "bar_not_cleared" | "samples" | "days_in_tier";

export interface UnmetCondition {
  code: UnmetCode;
  message: string;
  required: number | boolean | string;
  actual: number | boolean | string;
}

export interface EligibilityResult {
  eligible: boolean;
  /** null only when there is no bar to evaluate (RUN) */
  gate: GateDecision | null;
  unmet: UnmetCondition[];
}

export function toEpochMs(t: Date | number): number {
  return typeof t === "number" ? t : t.getTime();
}

/** Every unmet condition is listed, not just the first, so the dashboard can show them all at once. */
export function evaluateEligibility(
  state: EligibilityState,
  policy: PolicyRules,
  now: Date | number,
): EligibilityResult {
  const unmet: UnmetCondition[] = [];
  const bar = policy.tiers[state.tier].promotion;
  const next = tierAbove(state.tier);

  if (!next || !bar)
    unmet.push({
      code: "top_tier",
      message: `${state.tier} is the top tier; there is nothing to promote to`,
      required: "a tier below RUN",
      actual: state.tier,
    });
  if (state.frozen)
    unmet.push({
      code: "frozen",
      message: `${state.tier} is frozen; unfreeze it before requesting a promotion`,
      required: false,
      actual: true,
    });
  if (state.openRequest)
    unmet.push({
      code: "open_request",
      message: "a request out of this tier is already open",
      required: false,
      actual: true,
    });
  if (!next || !bar) return { eligible: false, gate: null, unmet };

  // The e-process and the wilson look read the cumulative evidence; raw reads it inside the window.
  const counts = gateOf(policy.gate).reads === "window" ? state.window : state.evidence;
  const gate = promotionGate(policy, state.tier, state.evidence, state.window, state.restarts ?? 0, state.look ?? null);
  if (!gate.cleared)
    unmet.push({
      code: "bar_not_cleared",
      message: `bar not cleared: ${gate.label}`,
      required: gate.required,
      actual: gate.statistic,
    });

  if (counts.trials < bar.minSamples) {
    const where =
      gateOf(policy.gate).reads === "window"
        ? `in the last ${policy.tiers[state.tier].windowDays} days`
        : `in ${state.tier}`;
    unmet.push({
      code: "samples",
      message: `needs ${bar.minSamples.toLocaleString("en-US")} outcomes ${where}, has ${counts.trials.toLocaleString("en-US")}`,
      required: bar.minSamples,
      actual: counts.trials,
    });
  }

  const days = Math.max(0, (toEpochMs(now) - state.tierSince.getTime()) / DAY_MS);
  if (days < bar.minDaysInTier) {
    unmet.push({
      code: "days_in_tier",
      message: `has been in ${state.tier} ${formatDays(days)} days of the ${bar.minDaysInTier} required`,
      required: bar.minDaysInTier,
      actual: days,
    });
  }

  return { eligible: unmet.length === 0, gate, unmet };
}

/** The conditions about the evidence itself (not the request, freeze or tier): what an apply re-checks. */
export const BAR_CONDITIONS: ReadonlySet<UnmetCode> = new Set(["bar_not_cleared", "samples", "days_in_tier"]);

export function barUnmet(result: EligibilityResult): string[] {
  return result.unmet.filter((u) => BAR_CONDITIONS.has(u.code)).map((u) => u.message);
}

export interface AlphaSpent {
  /** version restarts within the stay */
  restarts: number;
  /** the level the current evidence tests at */
  alpha: number;
  /** e.g. "3rd version in this tier: testing at α = 0.0025" */
  label: string;
}

export function alphaSpent(policy: PolicyRules, restarts: number): AlphaSpent {
  const alpha = promotionAlpha(policy, restarts);
  return {
    restarts,
    alpha,
    label: `${ordinal(restarts + 1)} version in this tier: testing at α = ${Number(alpha.toPrecision(2))}`,
  };
}

/**
 * The promotion gate of a tier on its evidence, by its gate module (lib/gating/gates): the e-process
 * at α_j, the one look as the evidence fold took it, the raw rate on the window.
 */
export function promotionGate(
  policy: PolicyRules,
  tier: Tier,
  evidence: Counts,
  window: Counts,
  restarts: number,
  look: GateLook | null,
): GateDecision {
  const bar = policy.tiers[tier].promotion;
  if (!bar) throw new RangeError(`${tier} has no promotion bar`);
  return gateOf(policy.gate).promotion({
    bar,
    windowDays: policy.tiers[tier].windowDays,
    evidence,
    window,
    alpha: promotionAlpha(policy, restarts),
    logLevel: logRestartLevel(policy.alpha, restarts),
    look,
  });
}
