// The primitives every gate reads (SPEC §2 "Metric"): counts, the raw rate and the e-process.
// Below lib/gating/gates/ and statistics.ts, so the gate modules and the statistics import it, never each other.

import { logUpperIncompleteBetaOverPowers } from "./beta";

/** How a `raw` gate is labelled wherever it shows (SPEC §2). */
export const NO_GUARANTEE = "no statistical guarantee";

/** Throws on counts that cannot be counts, so a bug upstream never becomes a quiet promotion. */
export function assertCounts(successes: number, trials: number): void {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(`counts must be integers with 0 ≤ successes ≤ trials, got ${successes}/${trials}`);
  }
}

export function assertUnitOpen(name: string, x: number): void {
  if (!(x > 0 && x < 1)) throw new RangeError(`${name} must be in (0, 1), got ${x}`);
}

/** Observed success rate; 0 when there is nothing observed. */
export function rawRate(successes: number, trials: number): number {
  assertCounts(successes, trials);
  return trials === 0 ? 0 : successes / trials;
}

/** A gate's error level: in (0, 0.5]. Above 0.5 a "lower bound" would be an upper bound. */
export function assertGateAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha <= 0.5)) throw new RangeError(`alpha must be in (0, 0.5], got ${alpha}`);
}

/**
 * ln E_n of the one-sided mixture e-process for H0: p ≤ bar (uniform mixing
 * over q in (bar, 1]):
 *   E_n = ∫_bar^1 q^S (1−q)^(n−S) dq / ((1−bar) · bar^S (1−bar)^(n−S))
 *       = B(S+1, n−S+1)(1 − I_bar(S+1, n−S+1)) / ((1−bar) bar^S (1−bar)^(n−S)).
 * n = 0 gives ln 1 = 0. Finite for every n, S = 0 and S = n included.
 */
export function logEProcess(successes: number, trials: number, bar: number): number {
  assertCounts(successes, trials);
  assertUnitOpen("bar", bar);
  if (trials === 0) return 0;
  // The denominator (1−bar)·bar^S·(1−bar)^(n−S) is exactly the powers x^(a−1)·(1−x)^b with a = S+1, b = n−S+1.
  return logUpperIncompleteBetaOverPowers(bar, successes + 1, trials - successes + 1);
}
