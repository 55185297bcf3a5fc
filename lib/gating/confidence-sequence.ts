// Anytime-valid intervals for people (SPEC §2): people watch the card and the chart continuously, so
// what they see must hold at every n at once. The beta-binomial mixture confidence sequence with a
// uniform prior: C_n = { p : B(S+1, F+1) / (p^S (1−p)^F) < 1/α }. The mixture is a nonnegative
// martingale under every p, so by Ville's inequality the true rate leaves C_n at some n with
// probability ≤ α. −S·ln p − F·ln(1−p) is convex in p, so C_n is an interval around S/n.

import { logBeta } from "./beta";
import { assertCounts } from "./statistics";

export interface Interval {
  lower: number;
  upper: number;
}

/** ln of the mixture martingale at p (0 at n = 0). */
export function logMixtureMartingale(successes: number, trials: number, p: number): number {
  const failures = trials - successes;
  if (trials === 0) return 0;
  const lp = successes === 0 ? 0 : successes * Math.log(p);
  const lq = failures === 0 ? 0 : failures * Math.log1p(-p);
  return logBeta(successes + 1, failures + 1) - lp - lq;
}

/** Two-sided (1 − α) confidence sequence for the success rate. No trials → [0, 1]. */
export function confidenceSequence(successes: number, trials: number, alpha = 0.05): Interval {
  assertCounts(successes, trials);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (trials === 0) return { lower: 0, upper: 1 };
  const level = -Math.log(alpha);
  const inside = (p: number) => logMixtureMartingale(successes, trials, p) < level;
  const mle = successes / trials;
  // The MLE is always inside: M_n(mle) ≤ 1/α fails only if even the best fit is implausible, which
  // cannot happen for a uniform mixture (M_n(mle) ≤ n + 1); guard for tiny α anyway.
  const centre = inside(mle) ? mle : Math.min(1 - 1e-12, Math.max(1e-12, mle));
  const edge = (outside: number) => {
    let lo = outside;
    let hi = centre;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (inside(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  const lower = successes === 0 ? 0 : edge(0);
  const upper = successes === trials ? 1 : edge(1);
  return { lower: Math.min(lower, mle), upper: Math.max(upper, mle) };
}
