// SPEC §3 rule 7: automatic demotion by the CUSUM detector or an incident.

import { formatBar } from "./format";
import { severityAtLeast, tierBelow } from "./outcomes";
import { designCusum } from "./cusum-arl";
import { defaultFailureRate, rawRate } from "./statistics";
import type { Counts, PolicyRules, Severity, Tier } from "./types";

export interface CusumParams {
  /** acceptable failure rate: 1 − demotion threshold */
  q0: number;
  /** failure rate the detector is tuned to catch */
  q1: number;
  /** alarm level h: false-alarm run length ≥ demotionArl at the comfortable rate */
  threshold: number;
  /** failure rate the agent cleared to enter the tier: 1 − the promotion bar of the tier beneath */
  comfortable: number | null;
  /** mean outcomes to an alarm once the failure rate is q1: at most this (Infinity for CRAWL) */
  detectionDelay: number;
  /** … and at least this: the real mean lies in [detectionDelayLower, detectionDelay] */
  detectionDelayLower: number;
  /** false-alarm run length at the comfortable rate: at least this */
  falseAlarmArl: number;
  /** the run-length target is met (validation refuses a policy where it is not) */
  targetMet: boolean;
  /** when the target is missed: the largest target this detector reaches (Infinity when met) */
  reachableArl: number;
}

export const DEFAULT_DEMOTION_ARL = 1_000_000;

/**
 * CUSUM parameters of a tier. A tier without a demotion bar (CRAWL) still
 * gets parameters, so callers can step the statistic uniformly, but its
 * threshold is Infinity: it never fires. Its q0 then comes from the tier's
 * own promotion threshold (0.5 if it has none either).
 */
export function cusumParams(policy: PolicyRules, tier: Tier): CusumParams {
  const rules = policy.tiers[tier];
  const d = tier === "CRAWL" ? undefined : rules.demotion;
  const q0 = 1 - (d?.threshold ?? rules.promotion?.threshold ?? 0.5);
  const q1 = d?.failureRate ?? defaultFailureRate(q0);
  const beneath = tierBelow(tier);
  const entryBar = beneath ? policy.tiers[beneath].promotion?.threshold : undefined;
  if (!d || entryBar === undefined)
    return {
      q0,
      q1,
      threshold: Infinity,
      comfortable: null,
      detectionDelay: Infinity,
      detectionDelayLower: Infinity,
      falseAlarmArl: Infinity,
      targetMet: true,
      reachableArl: Infinity,
    };
  const design = designCusum(q0, q1, 1 - entryBar, policy.demotionArl ?? DEFAULT_DEMOTION_ARL);
  return {
    q0,
    q1,
    threshold: design.h,
    comfortable: 1 - entryBar,
    detectionDelay: design.detectionDelay,
    detectionDelayLower: design.detectionDelayLower,
    falseAlarmArl: design.falseAlarmArl,
    targetMet: design.targetMet,
    reachableArl: design.reachableArl,
  };
}

export interface DemotionInput {
  tier: Tier;
  /** current CUSUM value W_t for this tier */
  cusum: number;
  /** outcomes the detector counted in the tier's window (its minimum sample), with their successes */
  window: Counts;
  /** most severe incident not yet acted on, if any */
  incidentSeverity?: Severity | null;
}

export type Breach =
  | {
      metric: "cusum";
      statistic: number;
      threshold: number;
      samples: number;
      minSamples: number;
      q0: number;
      q1: number;
      windowRate: number;
    }
  | { metric: "incident"; statistic: Severity; threshold: Severity; samples: number };

export type DemotionVerdict = { action: "stay" } | { action: "demote"; to: Tier; reason: string; breached: Breach };

/**
 * An incident at or above the policy's severity goes straight to CRAWL and
 * wins over the CUSUM (it demotes further). The CUSUM demotes one tier, and
 * only with the demotion minimum sample in the window.
 */
export function evaluateDemotion(input: DemotionInput, policy: PolicyRules): DemotionVerdict {
  const { tier, cusum, window } = input;
  if (tier === "CRAWL") return { action: "stay" };

  const severity = input.incidentSeverity;
  if (severity && severityAtLeast(severity, policy.incidentSeverity)) {
    return {
      action: "demote",
      to: "CRAWL",
      reason: `${severity} incident (policy demotes at ${policy.incidentSeverity} or worse): ${tier} → CRAWL`,
      breached: { metric: "incident", statistic: severity, threshold: policy.incidentSeverity, samples: window.trials },
    };
  }

  const params = cusumParams(policy, tier);
  const d = policy.tiers[tier].demotion;
  const to = tierBelow(tier);
  if (!d || !to) return { action: "stay" };
  if (cusum < params.threshold || window.trials < d.minSamples) return { action: "stay" };

  return {
    action: "demote",
    to,
    reason:
      // Same rounding on both sides keeps the printed comparison true.
      `failure CUSUM ${cusum.toFixed(2)} ≥ ${params.threshold.toFixed(2)} over ${window.trials} outcomes ` +
      `(acceptable failure rate ${formatBar(params.q0)}, alarm tuned to ${formatBar(params.q1)}): ${tier} → ${to}`,
    breached: {
      metric: "cusum",
      statistic: cusum,
      threshold: params.threshold,
      samples: window.trials,
      minSamples: d.minSamples,
      q0: params.q0,
      q1: params.q1,
      windowRate: rawRate(window.successes, window.trials),
    },
  };
}
