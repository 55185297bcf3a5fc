// The raw rate (SPEC §2): the observed rate in the window against the bar, re-checked after every
// outcome, shown everywhere as "no statistical guarantee". An agent exactly at the bar is promoted
// almost surely over an unbounded stay (the rate recrosses its mean), so its false promotion is 1.

import { formatComparison, formatCount } from "../format";
import { NO_GUARANTEE, rawRate } from "../rates";
import type { GateModule } from "./types";

export const rawGate: GateModule = {
  method: "raw",
  title: `raw rate (${NO_GUARANTEE})`,
  label: `raw (${NO_GUARANTEE})`,
  strictness: 0,
  plotsEValue: false,
  caveat: `The raw rate carries ${NO_GUARANTEE}: re-checked after every outcome it promotes agents that sit on the bar.`,
  reads: "window",
  lookAt: () => null,
  decide(counts, threshold) {
    const statistic = rawRate(counts.successes, counts.trials);
    const cleared = statistic >= threshold;
    return {
      cleared,
      method: "raw",
      statistic,
      required: threshold,
      label: `raw rate ${formatComparison(statistic, threshold, cleared, "percent")} (${NO_GUARANTEE})`,
    };
  },
  // The raw rate tends to the arrival rate, and cannot cross a bar the rate itself is below.
  clearsInTheLongRun: (rate, threshold) => rate >= threshold,
  promotion: (ctx) => rawGate.decide(ctx.window, ctx.bar.threshold, Math.min(ctx.alpha, 0.5)),
  how: (_bar, windowDays) => ` by its raw rate over the last ${formatCount(windowDays)} days (${NO_GUARANTEE})`,
  sentence({ gate, observed, counts, where, barText, clause, distance }) {
    if (gate.cleared) return `${observed}, at or above ${barText}: the gate clears (a raw rate, ${NO_GUARANTEE}).`;
    if (distance.kind === "never") return `${observed}; ${clause} (a raw rate, ${NO_GUARANTEE}).`;
    return counts.trials === 0
      ? `No outcomes${where} yet; ${clause} (a raw rate, ${NO_GUARANTEE}).`
      : `${observed}, below ${barText}; ${clause} (a raw rate, ${NO_GUARANTEE}).`;
  },
  falsePromotionAtBar: () => ({ value: 1, exact: true }),
  evidenceNeeded: (bar) => bar.minSamples,
};
