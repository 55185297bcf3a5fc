// The eligibility a state's evidence gives, read by the interpreter's decisions and by the evidence
// view (lib/metrics/evidence.ts): one computation for both. Pure.
import { DAY_MS, evaluateEligibility, type EligibilityResult } from "./eligibility";
import { dayKey, evidenceFrom } from "./evidence-fold";
import type { StateContext } from "./state-types";

/** First UTC day of a window of `days` days ending today. */
export function windowStartDay(now: number, days: number): string {
  return dayKey(now - (days - 1) * DAY_MS);
}

/** The eligibility a state's evidence gives (what a request snapshots, and the apply re-checks). */
export function stateEligibility(ctx: StateContext, now: number, openRequest: boolean): EligibilityResult {
  const at = ctx.actionType;
  const window = evidenceFrom(at.evidence, windowStartDay(now, ctx.policy.rules.tiers[at.tier].windowDays));
  return evaluateEligibility(
    {
      tier: at.tier,
      tierSince: new Date(at.tierSince),
      frozen: at.frozen,
      openRequest,
      evidence: { successes: at.evidence.successes, trials: at.evidence.trials },
      window,
      restarts: at.evidence.restarts,
      look: at.evidence.look,
    },
    ctx.policy.rules,
    now,
  );
}
