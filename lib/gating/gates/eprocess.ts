// The default gate (SPEC §2): the anytime-valid mixture e-process, checked after every outcome.
// Ville's inequality bounds its false promotion by α over the whole stay, however often it looks.

import { formatBar, formatComparison } from "../format";
import { evidenceNeeded } from "../promotion-oc";
import { logEProcess } from "../rates";
import type { GateModule } from "./types";

export const eprocessGate: GateModule = {
  method: "eprocess",
  title: "e-process (checked after every outcome)",
  label: "e-process",
  strictness: 2,
  plotsEValue: true,
  caveat: null,
  reads: "evidence",
  lookAt: () => null,
  decide(counts, threshold, alpha, logLevelOverride) {
    const logLevel = logLevelOverride ?? Math.log(1 / alpha);
    const logE = logEProcess(counts.successes, counts.trials, threshold);
    const cleared = logE >= logLevel;
    const statistic = Math.min(Math.exp(logE), Number.MAX_VALUE);
    const required = logLevelOverride === undefined ? 1 / alpha : Math.min(Math.exp(logLevel), Number.MAX_VALUE);
    return {
      cleared,
      method: "eprocess",
      statistic,
      required,
      label: `e-value ${formatComparison(statistic, required, cleared, "number")}`,
    };
  },
  // At a rate at or below the bar the mixture e-process falls toward 0 (at the bar like n^(-1/2)).
  clearsInTheLongRun: (rate, threshold) => rate > threshold,
  promotion: (ctx) => eprocessGate.decide(ctx.evidence, ctx.bar.threshold, Math.min(ctx.alpha, 0.5), ctx.logLevel),
  how: (_bar, _days, alpha) =>
    `, checked after every outcome with at most a ${formatBar(alpha)} risk of promoting an agent that is not above it`,
  sentence({ gate, observed, counts, rate, threshold, barText, clause, distance }) {
    if (gate.cleared) return `${observed}: enough evidence that the true rate is above ${barText}; the gate clears.`;
    if (distance.kind === "never") return `${observed}; ${clause}.`;
    if (counts.trials === 0)
      return `No outcomes of this version yet; it needs evidence that the true rate is above ${barText}: ${clause}.`;
    return rate >= threshold
      ? `${observed}; that is not yet enough evidence that the true rate is above ${barText}; ${clause}.`
      : `${observed}, below ${barText}; ${clause}.`;
  },
  // Ville's bound: the exact probability over an unbounded stay is below it and not computable exactly.
  falsePromotionAtBar: (_bar, alpha0) => ({ value: alpha0, exact: false }),
  evidenceNeeded: (bar, alpha0) => evidenceNeeded(bar.threshold, -Math.log(alpha0), bar.minSamples) ?? Infinity,
};
