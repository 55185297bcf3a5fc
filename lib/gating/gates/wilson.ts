// `wilson` (the policy's name for it): one pre-registered look at `lookAt` outcomes, judged by the
// exact one-sided binomial test — the Clopper–Pearson lower bound clears the bar exactly when the
// successes reach the critical count k* = min{k : P(S ≥ k | p = bar) ≤ α}. So an agent exactly at
// the bar is promoted with probability P(S ≥ k*) ≤ α for every lookAt (SPEC §7), and across a stay's
// restarts at α_j the union stays ≤ α.

import { regularizedIncompleteBeta } from "../beta";
import { formatBar, formatComparison, formatCount, formatRateAgainst } from "../format";
import { assertCounts } from "../rates";
import type { PromotionBar } from "../types";
import type { GateModule } from "./types";

/** P(S ≥ k) for S ~ Binomial(n, p) = I_p(k, n − k + 1). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  return regularizedIncompleteBeta(p, k, n - k + 1);
}

const criticals = new Map<string, number>();

/** Fewest successes of `trials` whose one-sided exact test at level α clears `bar` (trials + 1: none). Memoised. */
export function criticalCount(trials: number, bar: number, alpha: number): number {
  const key = `${trials}|${bar}|${alpha}`;
  const hit = criticals.get(key);
  if (hit !== undefined) return hit;
  // The tail falls as k rises: bisection for the first k with tail ≤ α (k = 0 never clears).
  let lo = 0;
  let hi = trials + 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (binomialUpperTail(mid, trials, bar) <= alpha) hi = mid;
    else lo = mid;
  }
  if (criticals.size > 50_000) criticals.clear();
  criticals.set(key, hi);
  return hi;
}

/** One-sided (1 − α) Clopper–Pearson lower bound: the p with P(S ≥ s | p) = α; 0 when s = 0. */
export function clopperPearsonLower(successes: number, trials: number, alpha: number): number {
  assertCounts(successes, trials);
  if (successes === 0) return 0;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (binomialUpperTail(successes, trials, mid) > alpha) hi = mid;
    else lo = mid;
  }
  return lo;
}

const lookOf = (bar: PromotionBar) => bar.lookAt ?? bar.minSamples;

export const wilsonGate: GateModule = {
  method: "wilson",
  title: "exact one look (Clopper–Pearson)",
  label: "one look (exact)",
  strictness: 1,
  plotsEValue: false,
  caveat: null,
  reads: "evidence",
  lookAt: lookOf,
  decide(counts, threshold, alpha) {
    assertCounts(counts.successes, counts.trials);
    const cleared = counts.trials > 0 && counts.successes >= criticalCount(counts.trials, threshold, alpha);
    // The bound and the count decide alike; the clamp keeps the printed comparison true at a tie.
    const bound = clopperPearsonLower(counts.successes, counts.trials, alpha);
    const statistic = cleared ? Math.max(bound, threshold) : Math.min(bound, threshold - Number.EPSILON);
    return {
      cleared,
      method: "wilson",
      statistic: Math.max(0, statistic),
      required: threshold,
      label: `exact ${formatBar(1 - alpha)} lower bound ${formatComparison(Math.max(0, statistic), threshold, cleared, "percent")}`,
    };
  },
  // Over ever more outcomes the exact lower bound tends to the rate; its one look is judged at lookAt.
  clearsInTheLongRun: (rate, threshold) => rate > threshold,
  promotion({ bar, evidence, alpha, look }) {
    if (!look)
      return {
        cleared: false,
        method: "wilson",
        statistic: 0,
        required: bar.threshold,
        label: `exact ${formatBar(1 - alpha)} lower bound: its one look is at ${lookOf(bar)} outcomes, has ${evidence.trials}`,
      };
    const again = look.cleared ? "" : "; a loosening policy version is needed to look again";
    return {
      cleared: look.cleared,
      method: "wilson",
      statistic: look.statistic,
      required: bar.threshold,
      label: `exact lower bound at its one look (${look.successes}/${look.trials}) ${formatComparison(look.statistic, bar.threshold, look.cleared, "percent")}${again}`,
    };
  },
  how: (bar, _days, alpha) =>
    `, judged once, at ${formatCount(lookOf(bar))} outcomes (${formatBar(1 - alpha)} confidence, exact)`,
  sentence({ gate, look, lookAt, threshold, barText, counts, observed, clause }) {
    if (look) {
      const seen = `At its one look, ${formatRateAgainst(look.trials ? look.successes / look.trials : 0, threshold)} of ${formatCount(look.trials)} outcomes were good`;
      return gate.cleared
        ? `${seen}: enough evidence that the true rate is above ${barText}; the gate clears.`
        : `${seen}: not enough evidence that the true rate is above ${barText}. The look is spent: only an approved loosening of the policy allows another.`;
    }
    const so = counts.trials > 0 ? `${observed} so far` : "No outcomes yet";
    return `The gate looks once, at ${formatCount(lookAt ?? 0)} outcomes, for evidence that the true rate is above ${barText}. ${so}; ${clause}.`;
  },
  falsePromotionAtBar(bar, alpha0) {
    const n = lookOf(bar);
    return { value: binomialUpperTail(criticalCount(n, bar.threshold, alpha0), n, bar.threshold), exact: true };
  },
  evidenceNeeded(bar, alpha0) {
    const n = lookOf(bar);
    return criticalCount(n, bar.threshold, alpha0) <= n ? Math.max(n, bar.minSamples) : Infinity;
  },
};
