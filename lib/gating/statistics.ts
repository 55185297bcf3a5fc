// Rates, intervals and the gate statistics of SPEC §2 "Metric".

import { gateOf, type GateDecision } from "./gates";
import { normalQuantile } from "./normal";
import { assertCounts, assertGateAlpha, assertUnitOpen, logEProcess } from "./rates";
import type { Counts, GateMethod } from "./types";

export { assertCounts, logEProcess, NO_GUARANTEE, rawRate } from "./rates";
export type { GateDecision } from "./gates";

/** z of a two-sided 95 % interval. */
export const Z_95 = 1.959964;

/**
 * Wilson lower limit written without the subtraction of the textbook form:
 * 2S² / (n·(2S + z² + z·√(z² + 4S(n−S)/n))). Exact 0 at S = 0 and no
 * cancellation at large n.
 */
function wilsonLower(s: number, n: number, z: number): number {
  if (s === 0) return 0;
  const root = Math.sqrt(z * z + (4 * s * (n - s)) / n);
  return (2 * s * s) / (n * (2 * s + z * z + z * root));
}

export interface WilsonInterval {
  lower: number;
  upper: number;
  center: number;
}

/** Two-sided Wilson score interval (shown to people). No trials → [0, 1]. */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95): WilsonInterval {
  assertCounts(successes, trials);
  if (!(z >= 0) || !Number.isFinite(z)) throw new RangeError(`z must be a finite non-negative number, got ${z}`);
  if (trials === 0) return { lower: 0, upper: 1, center: 0.5 };
  const z2 = z * z;
  const center = (successes + z2 / 2) / (trials + z2);
  // The upper limit is the lower limit of the failures, mirrored.
  return { lower: wilsonLower(successes, trials, z), upper: 1 - wilsonLower(trials - successes, trials, z), center };
}

/** One-sided (1 − alpha) Wilson lower bound; z = Φ⁻¹(1 − alpha). No trials → 0. */
export function wilsonLowerBound(successes: number, trials: number, alpha: number): number {
  assertCounts(successes, trials);
  assertGateAlpha(alpha);
  if (trials === 0) return 0;
  // z from the lower tail: 1 − α rounds to 1 for α below ~1e-16, α itself never does.
  return wilsonLower(successes, trials, -normalQuantile(alpha));
}

/** E_n itself; saturates at Number.MAX_VALUE (it would overflow past ~e^709) so it stays finite and JSON-safe. */
export function eProcess(successes: number, trials: number, bar: number): number {
  return Math.min(Math.exp(logEProcess(successes, trials, bar)), Number.MAX_VALUE);
}

/** One step of the Bernoulli CUSUM on failures (x = 1 for a failure). Never below 0. */
export function cusumStep(w: number, isFailure: boolean, q0: number, q1: number): number {
  const x = isFailure ? 1 : 0;
  const next = w + x * Math.log(q1 / q0) + (1 - x) * Math.log((1 - q1) / (1 - q0));
  return Math.max(0, next);
}

/** CUSUM over a sequence of outcomes (true = failure), starting from w0. */
export function cusumScan(failures: Iterable<boolean>, q0: number, q1: number, w0 = 0): number {
  let w = w0;
  for (const f of failures) w = cusumStep(w, f, q0, q1);
  return w;
}

/** Alarm level of the CUSUM: ln(1/α_demote). */
export function cusumThreshold(alphaDemote: number): number {
  assertUnitOpen("demotion alpha", alphaDemote);
  return Math.log(1 / alphaDemote);
}

/** Default CUSUM alternative: a failure rate twice the acceptable one, at most 0.5. */
export function defaultFailureRate(q0: number): number {
  return Math.min(2 * q0, 0.5);
}

/**
 * Whether the counts clear a promotion bar by the gate method (lib/gating/gates): the e-process in
 * log space (logLevelOverride: ln(1/α_j) of a restart, exact where α_j would underflow), `wilson` by
 * the exact one-sided binomial test, `raw` by the observed rate.
 */
export function gateDecision(
  method: GateMethod,
  counts: Counts,
  threshold: number,
  alpha: number,
  logLevelOverride?: number,
): GateDecision {
  assertUnitOpen("threshold", threshold);
  assertGateAlpha(alpha);
  return gateOf(method).decide(counts, threshold, alpha, logLevelOverride);
}
