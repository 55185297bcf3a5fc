// An automatic demotion in words (issue 25 item 2): one line a stakeholder reads, from the breach the
// detector recorded with the tier change (demotion.ts Breach), and the statistic behind it for Details.
// Reads stored JSON, so anything that is not a breach gives null and the caller shows its rationale.

import type { Breach } from "./demotion";
import { formatBar, formatCount } from "./format";
import { SEVERITIES, type Severity } from "./types";

export interface DemotionCause {
  /** "27 of the last 140 outcomes failed, with a recent run of more than 29% failures (it accepts 20%): …" */
  summary: string;
  /** the detector's numbers, for a Details toggle; null when the summary says everything */
  details: string | null;
}

const isNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isSeverity = (x: unknown): x is Severity => (SEVERITIES as readonly unknown[]).includes(x);

function breachOf(x: unknown): Breach | null {
  if (typeof x !== "object" || x === null) return null;
  const b = x as Record<string, unknown>;
  if (b.metric === "incident")
    return isSeverity(b.statistic) && isSeverity(b.threshold)
      ? {
          metric: "incident",
          statistic: b.statistic,
          threshold: b.threshold,
          samples: isNumber(b.samples) ? b.samples : 0,
        }
      : null;
  if (b.metric !== "cusum") return null;
  const { statistic, threshold, samples, minSamples, q0, q1, windowRate } = b;
  if (![statistic, threshold, samples, q0, q1, windowRate].every(isNumber)) return null;
  return {
    metric: "cusum",
    statistic: statistic as number,
    threshold: threshold as number,
    samples: samples as number,
    minSamples: isNumber(minSamples) ? minSamples : 0,
    q0: q0 as number,
    q1: q1 as number,
    windowRate: windowRate as number,
  };
}

/**
 * The failure share the CUSUM climbs on: W_t > 0 only when some stretch of outcomes ending at t has
 * failures·ln(q1/q0) > successes·ln((1−q0)/(1−q1)), i.e. a failure share above this (which lies in
 * (q0, q1)). So an alarm always means a recent run failing faster than this: the words can say so.
 */
export function cusumRunShare(q0: number, q1: number): number {
  const up = Math.log(q1 / q0);
  const down = Math.log((1 - q0) / (1 - q1));
  return down / (up + down);
}

/** The cause of an automatic demotion in words, from its recorded breach; null when there is none. */
export function demotionCause(recorded: unknown): DemotionCause | null {
  const b = breachOf(recorded);
  if (!b) return null;
  if (b.metric === "incident")
    return {
      summary: `A ${b.statistic} incident was reported; the policy demotes straight to CRAWL at ${b.threshold} or worse.`,
      details: null,
    };
  // windowRate is successes / samples as recorded, so the failures come back whole.
  const failed = Math.round(b.samples * (1 - b.windowRate));
  const run = Math.floor(cusumRunShare(b.q0, b.q1) * 100);
  return {
    summary:
      `${formatCount(failed)} of the last ${formatCount(b.samples)} outcome${b.samples === 1 ? "" : "s"} failed, ` +
      `with a recent run of more than ${run}% failures (it accepts ${formatBar(b.q0)}): the detector's alarm was reached.`,
    // Same rounding on both sides as the recorded reason, so the printed comparison stays true.
    details:
      `failure CUSUM ${b.statistic.toFixed(2)} ≥ ${b.threshold.toFixed(2)} over ${formatCount(b.samples)} outcomes ` +
      `(acceptable failure rate ${formatBar(b.q0)}, alarm tuned to ${formatBar(b.q1)})`,
  };
}
