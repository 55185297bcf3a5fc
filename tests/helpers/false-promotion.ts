// The exact false promotion of a one-look gate at its bar (tests only): the fewest successes the
// product's own gate clears at `trials`, and the binomial probability of reaching it when every
// outcome succeeds with probability `bar`: P(S ≥ k) = I_bar(k, n − k + 1).
import { regularizedIncompleteBeta } from "@cwr/gating/beta";
import { gateDecision } from "@cwr/gating/statistics";
import type { GateMethod } from "@cwr/gating/types";

export function criticalCount(method: GateMethod, trials: number, bar: number, alpha: number): number {
  const clears = (k: number) => gateDecision(method, { successes: k, trials }, bar, alpha).cleared;
  if (!clears(trials)) return trials + 1;
  let lo = -1;
  let hi = trials;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (clears(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export function oneLookFalsePromotion(method: GateMethod, trials: number, bar: number, alpha: number): number {
  const k = criticalCount(method, trials, bar, alpha);
  if (k > trials) return 0;
  if (k === 0) return 1;
  return regularizedIncompleteBeta(bar, k, trials - k + 1);
}
