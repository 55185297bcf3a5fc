// Operating characteristics of the promotion gate, computed exactly by dynamic programming over
// (outcomes, successes): what the bench prints, what the tests bound, and what a policy change is
// judged by (SPEC §3 rule 6).

import { logEProcess } from "./rates";

/**
 * For each n ≤ horizon, the fewest successes with ln E_n ≥ logLevel (n + 1 = none), and n + 1 below
 * minSamples. E grows with a success and falls with a failure, so the answer at n + 1 is the answer
 * at n or one more: about two evaluations per n.
 */
export function clearTable(bar: number, logLevel: number, horizon: number, minSamples = 1): Int32Array {
  const table = new Int32Array(horizon + 1);
  let s = 0;
  for (let n = 0; n <= horizon; n++) {
    while (s <= n && logEProcess(s, n, bar) < logLevel) s++;
    table[n] = s;
  }
  for (let n = 0; n < Math.min(minSamples, horizon + 1); n++) table[n] = n + 1;
  return table;
}

/**
 * P(first clearing at or before n) for n = 0..horizon, when each outcome succeeds with probability p
 * and the gate is checked after every outcome. Exact.
 */
export function firstPassage(table: Int32Array, p: number, horizon: number): Float64Array {
  const out = new Float64Array(horizon + 1);
  let mass = new Float64Array(horizon + 2);
  let next = new Float64Array(horizon + 2);
  mass[0] = 1;
  let absorbed = 0;
  for (let n = 1; n <= horizon; n++) {
    next.fill(0, 0, n + 1);
    for (let s = 0; s < n; s++) {
      const m = mass[s]!;
      if (m === 0) continue;
      next[s]! += m * (1 - p);
      next[s + 1]! += m * p;
    }
    const limit = table[n]!;
    for (let s = limit; s <= n; s++) {
      absorbed += next[s]!;
      next[s] = 0;
    }
    [mass, next] = [next, mass];
    out[n] = absorbed;
  }
  return out;
}

/** First n whose cumulative probability reaches q, or null within the horizon. */
export function quantileOf(cumulative: Float64Array, q: number): number | null {
  for (let n = 0; n < cumulative.length; n++) if (cumulative[n]! >= q) return n;
  return null;
}

/** Fewest outcomes that can clear the gate at all (every one a success), or null within the horizon. */
export function evidenceNeeded(bar: number, logLevel: number, minSamples: number, horizon = 1_000_000): number | null {
  // ln E(n, n) is increasing in n: bisection.
  if (logEProcess(horizon, horizon, bar) < logLevel) return null;
  let lo = 0;
  let hi = horizon;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (logEProcess(mid, mid, bar) >= logLevel) hi = mid;
    else lo = mid;
  }
  return Math.max(hi, minSamples);
}
