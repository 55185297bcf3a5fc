// SPEC §3 rule 1: may a promotion request be opened now, and if not, exactly why not.

import { formatDays } from "./format";
import { tierAbove } from "./outcomes";
import { gateDecision, type GateDecision } from "./statistics";
import type { Counts, PolicyRules, Tier } from "./types";

export const DAY_MS = 86_400_000;

export interface EligibilityState {
  tier: Tier;
  tierSince: Date;
  frozen: boolean;
  /** a promotion or override request out of this tier is already open */
  openRequest: boolean;
  /** cumulative since max(tier entry, agent version change): the e-process is only valid over the whole sequence */
  evidence: Counts;
  /** within the tier's windowDays: what people see, and the one look of wilson/raw gates */
  window: Counts;
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
export function evaluateEligibility(state: EligibilityState, policy: PolicyRules, now: Date | number): EligibilityResult {
  const unmet: UnmetCondition[] = [];
  const bar = policy.tiers[state.tier].promotion;
  const next = tierAbove(state.tier);

  if (!next || !bar) unmet.push({ code: "top_tier", message: `${state.tier} is the top tier; there is nothing to promote to`, required: "a tier below RUN", actual: state.tier });
  if (state.frozen) unmet.push({ code: "frozen", message: `${state.tier} is frozen; unfreeze it before requesting a promotion`, required: false, actual: true });
  if (state.openRequest) unmet.push({ code: "open_request", message: "a request out of this tier is already open", required: false, actual: true });
  if (!next || !bar) return { eligible: false, gate: null, unmet };

  // The e-process is valid over the whole sequence: it reads the cumulative
  // evidence. wilson and raw are one pre-registered look over the window.
  const counts = policy.gate === "eprocess" ? state.evidence : state.window;
  const gate = gateDecision(policy.gate, counts, bar.threshold, policy.alpha);
  if (!gate.cleared) unmet.push({ code: "bar_not_cleared", message: `bar not cleared: ${gate.label}`, required: gate.required, actual: gate.statistic });

  if (counts.trials < bar.minSamples) {
    const where = policy.gate === "eprocess" ? `in ${state.tier}` : `in the last ${policy.tiers[state.tier].windowDays} days`;
    unmet.push({ code: "samples", message: `needs ${bar.minSamples} outcomes ${where}, has ${counts.trials}`, required: bar.minSamples, actual: counts.trials });
  }

  const days = Math.max(0, (toEpochMs(now) - state.tierSince.getTime()) / DAY_MS);
  if (days < bar.minDaysInTier) {
    unmet.push({ code: "days_in_tier", message: `needs ${bar.minDaysInTier} days in ${state.tier}, has ${formatDays(days)}`, required: bar.minDaysInTier, actual: days });
  }

  return { eligible: unmet.length === 0, gate, unmet };
}

/** The conditions about the evidence itself (not the request, freeze or tier): what an apply re-checks. */
export const BAR_CONDITIONS: ReadonlySet<UnmetCode> = new Set(["bar_not_cleared", "samples", "days_in_tier"]);

export function barUnmet(result: EligibilityResult): string[] {
  return result.unmet.filter((u) => BAR_CONDITIONS.has(u.code)).map((u) => u.message);
}
