// Rates, intervals and the gate statistics of SPEC §2 "Metric".

import { logUpperIncompleteBeta } from "./beta";
import { formatBar, formatComparison } from "./format";
import { normalQuantile } from "./normal";
import type { Counts, GateMethod } from "./types";

/** How a `raw` gate is labelled wherever it shows (SPEC §2). */
export const NO_GUARANTEE = "no statistical guarantee";

/** z of a two-sided 95 % interval. */
export const Z_95 = 1.959964;

/** Throws on counts that cannot be counts, so a bug upstream never becomes a quiet promotion. */
export function assertCounts(successes: number, trials: number): void {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(`counts must be integers with 0 ≤ successes ≤ trials, got ${successes}/${trials}`);
  }
}

function assertUnitOpen(name: string, x: number): void {
  if (!(x > 0 && x < 1)) throw new RangeError(`${name} must be in (0, 1), got ${x}`);
}

/** Observed success rate; 0 when there is nothing observed. */
export function rawRate(successes: number, trials: number): number {
  assertCounts(successes, trials);
  return trials === 0 ? 0 : successes / trials;
}

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

/** A gate's error level: in (0, 0.5]. Above 0.5 a "lower bound" would be an upper bound. */
function assertGateAlpha(alpha: number): void {
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
  const failures = trials - successes;
  return (
    logUpperIncompleteBeta(bar, successes + 1, failures + 1) -
    successes * Math.log(bar) -
    (failures + 1) * Math.log1p(-bar)
  );
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

export interface GateDecision {
  cleared: boolean;
  method: GateMethod;
  /** eprocess: E_n; wilson: one-sided lower bound; raw: observed rate */
  statistic: number;
  /** eprocess: 1/alpha; wilson and raw: the bar */
  required: number;
  /** e.g. "e-value 34.2 ≥ 20" */
  label: string;
}

/**
 * Whether the counts clear a promotion bar by the policy's gate method.
 * The e-process compares in log space, so a statistic that overflows a double
 * still decides correctly.
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
  const { successes, trials } = counts;
  switch (method) {
    case "eprocess": {
      // logLevelOverride: ln(1/α_j) of a restart, exact where α_j itself would underflow.
      const logLevel = logLevelOverride ?? Math.log(1 / alpha);
      const logE = logEProcess(successes, trials, threshold);
      const cleared = logE >= logLevel;
      const statistic = Math.min(Math.exp(logE), Number.MAX_VALUE);
      const required = logLevelOverride === undefined ? 1 / alpha : Math.min(Math.exp(logLevel), Number.MAX_VALUE);
      return {
        cleared,
        method,
        statistic,
        required,
        label: `e-value ${formatComparison(statistic, required, cleared, "number")}`,
      };
    }
    case "wilson": {
      const statistic = wilsonLowerBound(successes, trials, alpha);
      const cleared = statistic >= threshold;
      const confidence = formatBar(1 - alpha);
      return {
        cleared,
        method,
        statistic,
        required: threshold,
        label: `Wilson ${confidence} lower bound ${formatComparison(statistic, threshold, cleared, "percent")}`,
      };
    }
    case "raw": {
      const statistic = rawRate(successes, trials);
      const cleared = statistic >= threshold;
      return {
        cleared,
        method,
        statistic,
        required: threshold,
        label: `raw rate ${formatComparison(statistic, threshold, cleared, "percent")} (${NO_GUARANTEE})`,
      };
    }
  }
}
