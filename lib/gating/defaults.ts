// Default bars by blast radius, and the checks any policy must pass.

import { poolProblems } from "./reviewer-pool";
import { cusumParams, DEFAULT_DEMOTION_ARL } from "./demotion";
import { DEFAULT_GATE } from "./gates";
import { defaultFailureRate } from "./statistics";
import { GATE_METHODS, SEVERITIES, TIERS } from "./types";
import type { BlastRadius, PolicyRules, Tier } from "./types";

interface Row {
  windowDays: number;
  crawl: [threshold: number, minSamples: number, minDaysInTier: number, reviewers: number];
  walk: [threshold: number, minSamples: number, minDaysInTier: number, reviewers: number];
  /** demotion thresholds, each below the promotion threshold of the tier beneath (hysteresis) */
  walkDemotion: number;
  runDemotion: number;
  /**
   * Outcomes in the window before the CUSUM may fire. Fewer is stricter
   * (demotes sooner), so it shrinks as the blast radius grows; the CUSUM's
   * own threshold keeps false alarms rare.
   */
  demotionMinSamples: number;
  incidentSeverity: PolicyRules["incidentSeverity"];
}

// Each column only gets stricter from low to critical, so moving an action
// type to a larger blast radius is always a tightening (tested).
const ROWS: Record<BlastRadius, Row> = {
  low: {
    windowDays: 14,
    crawl: [0.8, 50, 3, 1],
    walk: [0.85, 100, 7, 1],
    walkDemotion: 0.7,
    runDemotion: 0.75,
    demotionMinSamples: 30,
    incidentSeverity: "critical",
  },
  medium: {
    windowDays: 21,
    crawl: [0.85, 100, 7, 2],
    walk: [0.9, 200, 14, 2],
    walkDemotion: 0.75,
    runDemotion: 0.8,
    demotionMinSamples: 25,
    incidentSeverity: "high",
  },
  high: {
    windowDays: 30,
    crawl: [0.92, 200, 14, 2],
    walk: [0.95, 300, 21, 3],
    walkDemotion: 0.85,
    runDemotion: 0.9,
    demotionMinSamples: 20,
    incidentSeverity: "medium",
  },
  critical: {
    windowDays: 45,
    crawl: [0.97, 400, 21, 3],
    walk: [0.98, 600, 28, 3],
    walkDemotion: 0.92,
    runDemotion: 0.95,
    demotionMinSamples: 15,
    incidentSeverity: "low",
  },
};

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_DEMOTION_ALPHA = 0.01;
export const DEFAULT_REVIEW_PERIOD_DAYS = 14;
/** How long a proposal waits for a decision, and its grant for the execution, unless the policy says otherwise. */
export const DEFAULT_PROPOSAL_EXPIRY_HOURS = 24;

/** A proposal's lifetime under these rules, in milliseconds. */
export function proposalExpiryMs(rules: Pick<PolicyRules, "proposalExpiryHours">): number {
  return (rules.proposalExpiryHours ?? DEFAULT_PROPOSAL_EXPIRY_HOURS) * 3_600_000;
}

/** The policy a new action type starts with. A fresh object each call. */
export function defaultPolicy(blastRadius: BlastRadius): PolicyRules {
  const r = ROWS[blastRadius];
  const bar = ([threshold, minSamples, minDaysInTier, reviewers]: Row["crawl"]) => ({
    threshold,
    minSamples,
    minDaysInTier,
    reviewers,
  });
  return {
    gate: DEFAULT_GATE,
    alpha: DEFAULT_ALPHA,
    demotionAlpha: DEFAULT_DEMOTION_ALPHA,
    incidentSeverity: r.incidentSeverity,
    reviewPeriodDays: DEFAULT_REVIEW_PERIOD_DAYS,
    tiers: {
      CRAWL: { windowDays: r.windowDays, promotion: bar(r.crawl) },
      WALK: {
        windowDays: r.windowDays,
        promotion: bar(r.walk),
        demotion: { threshold: r.walkDemotion, minSamples: r.demotionMinSamples },
      },
      RUN: { windowDays: r.windowDays, demotion: { threshold: r.runDemotion, minSamples: r.demotionMinSamples } },
    },
  };
}

/** SPEC §2 "Policy values are bounded": no accepted policy can break a page. */
export const POLICY_BOUNDS = {
  alpha: { min: 1e-6, max: 0.2 },
  /** q1 at least q0 + this */
  failureRateGap: 0.02,
  demotionArl: { min: 100, max: 1e9 },
  lookAtMax: 10_000_000,
  /** whole hours: one hour to one week */
  proposalExpiryHours: { min: 1, max: 168 },
} as const;

const isProb = (x: unknown): x is number => typeof x === "number" && x > 0 && x < 1;
const isAlpha = (x: unknown): x is number =>
  typeof x === "number" && x >= POLICY_BOUNDS.alpha.min && x <= POLICY_BOUNDS.alpha.max;
const isPosInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 1;
const isNonNegFinite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;

/**
 * Every problem with a policy, as sentences an admin can act on; [] = valid.
 * Checks shape too, because policies arrive as JSON from forms and the DB.
 */
export function validatePolicyRules(rules: PolicyRules): string[] {
  const problems: string[] = [];
  if (!(GATE_METHODS as readonly string[]).includes(rules.gate))
    problems.push(`gate must be one of ${GATE_METHODS.join(", ")}, got ${String(rules.gate)}`);
  const { min, max } = POLICY_BOUNDS.alpha;
  if (!isAlpha(rules.alpha)) problems.push(`alpha must be between ${min} and ${max}, got ${rules.alpha}`);
  if (!isAlpha(rules.demotionAlpha))
    problems.push(`demotionAlpha must be between ${min} and ${max}, got ${rules.demotionAlpha}`);
  if (rules.slider) {
    const pct = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 100;
    if (!pct(rules.slider.percent))
      problems.push(`slider percent must be between 0 and 100, got ${String(rules.slider.percent)}`);
    const steps = rules.slider.steps;
    if (steps && (!steps.every(pct) || steps.some((v, i) => i > 0 && !(v > steps[i - 1]!))))
      problems.push(`ramp steps must be increasing percentages between 0 and 100, got ${steps.join(", ")}`);
    const days = rules.slider.minDaysPerStep;
    if (days !== undefined && !(Number.isFinite(days) && days >= 0 && days <= 365))
      problems.push(`min days per step must be between 0 and 365, got ${String(days)}`);
  }
  if (
    rules.demotionArl !== undefined &&
    !(
      typeof rules.demotionArl === "number" &&
      rules.demotionArl >= POLICY_BOUNDS.demotionArl.min &&
      rules.demotionArl <= POLICY_BOUNDS.demotionArl.max
    )
  ) {
    problems.push(
      `demotionArl must be between ${POLICY_BOUNDS.demotionArl.min} and ${POLICY_BOUNDS.demotionArl.max} outcomes, got ${rules.demotionArl}`,
    );
  }
  if (!(SEVERITIES as readonly string[]).includes(rules.incidentSeverity))
    problems.push(`incidentSeverity must be one of ${SEVERITIES.join(", ")}, got ${String(rules.incidentSeverity)}`);
  const expiry = rules.proposalExpiryHours;
  const { min: eMin, max: eMax } = POLICY_BOUNDS.proposalExpiryHours;
  if (expiry !== undefined && !(isPosInt(expiry) && expiry >= eMin && expiry <= eMax))
    problems.push(`proposalExpiryHours must be a whole number from ${eMin} to ${eMax}, got ${String(expiry)}`);
  if (!isPosInt(rules.reviewPeriodDays))
    problems.push(`reviewPeriodDays must be a whole number ≥ 1, got ${rules.reviewPeriodDays}`);
  if (!rules.tiers) return [...problems, "tiers are missing"];

  for (const tier of TIERS) {
    const t = rules.tiers[tier];
    if (!t) {
      problems.push(`${tier}: rules are missing`);
      continue;
    }
    if (!isPosInt(t.windowDays)) problems.push(`${tier}: windowDays must be a whole number ≥ 1, got ${t.windowDays}`);

    const p = t.promotion;
    if (tier === "RUN" && p) problems.push("RUN: has a promotion bar, but there is no tier above RUN");
    if (tier !== "RUN" && !p) problems.push(`${tier}: needs a promotion bar`);
    if (p) {
      if (!isProb(p.threshold))
        problems.push(`${tier}: promotion threshold must be between 0 and 1 (exclusive), got ${p.threshold}`);
      if (!isPosInt(p.minSamples))
        problems.push(`${tier}: promotion minSamples must be a whole number ≥ 1, got ${p.minSamples}`);
      if (!isNonNegFinite(p.minDaysInTier)) problems.push(`${tier}: minDaysInTier must be ≥ 0, got ${p.minDaysInTier}`);
      if (!isPosInt(p.reviewers)) problems.push(`${tier}: reviewers must be a whole number ≥ 1, got ${p.reviewers}`);
      problems.push(...poolProblems(tier, p.pool, p.reviewers));
      if (
        p.lookAt !== undefined &&
        !(
          isPosInt(p.lookAt) &&
          p.lookAt <= POLICY_BOUNDS.lookAtMax &&
          (!isPosInt(p.minSamples) || p.lookAt >= p.minSamples)
        )
      ) {
        problems.push(
          `${tier}: lookAt must be a whole number of outcomes from minSamples (${p.minSamples}) to ${POLICY_BOUNDS.lookAtMax}, got ${p.lookAt}`,
        );
      }
    }

    const d = t.demotion;
    if (tier === "CRAWL" && d) problems.push("CRAWL: has a demotion bar, but there is no tier below CRAWL");
    if (tier !== "CRAWL" && !d) problems.push(`${tier}: needs a demotion bar`);
    if (d) {
      if (!isProb(d.threshold))
        problems.push(`${tier}: demotion threshold must be between 0 and 1 (exclusive), got ${d.threshold}`);
      if (!isPosInt(d.minSamples))
        problems.push(`${tier}: demotion minSamples must be a whole number ≥ 1, got ${d.minSamples}`);
      if (isProb(d.threshold)) {
        // The CUSUM only accumulates evidence of a failure rate worse than q0.
        const q0 = 1 - d.threshold;
        const q1 = d.failureRate ?? defaultFailureRate(q0);
        if (d.failureRate !== undefined && !isProb(d.failureRate))
          problems.push(`${tier}: demotion failureRate must be between 0 and 1 (exclusive), got ${d.failureRate}`);
        else if (!(q1 >= q0 + POLICY_BOUNDS.failureRateGap - 1e-12)) {
          const gap = POLICY_BOUNDS.failureRateGap;
          problems.push(
            d.failureRate === undefined
              ? `${tier}: demotion threshold ${d.threshold} is too low for the default alarm failure rate min(2·q0, 0.5) = ${q1} to be at least q0 + ${gap} (q0 = ${q0}); raise it or set failureRate`
              : `${tier}: demotion failureRate ${q1} must exceed the acceptable failure rate q0 = 1 − threshold = ${q0} by at least ${gap}`,
          );
        }
      }
      const beneath = tier === "WALK" ? "CRAWL" : tier === "RUN" ? "WALK" : null;
      const beneathBar = beneath ? rules.tiers[beneath as Tier]?.promotion : undefined;
      if (
        beneath &&
        beneathBar &&
        isProb(d.threshold) &&
        isProb(beneathBar.threshold) &&
        !(d.threshold < beneathBar.threshold)
      ) {
        problems.push(
          `${tier}: demotion threshold ${d.threshold} must be below ${beneath}'s promotion threshold ${beneathBar.threshold} (hysteresis), or a tier could flap between promotion and demotion`,
        );
      }
    }
  }
  // Only a policy that is otherwise well formed has detectors to design.
  return problems.length > 0 ? problems : detectorProblems(rules);
}

/**
 * SPEC §7: a detector that misses its run-length target is refused, with the reason and the nearest
 * achievable setting (the largest target it reaches), never accepted silently.
 */
function detectorProblems(rules: PolicyRules): string[] {
  const target = rules.demotionArl ?? DEFAULT_DEMOTION_ARL;
  const problems: string[] = [];
  for (const tier of ["WALK", "RUN"] as const) {
    const c = cusumParams(rules, tier);
    if (c.targetMet || c.comfortable === null) continue;
    const reach = Math.floor(c.reachableArl);
    const fix =
      reach >= POLICY_BOUNDS.demotionArl.min
        ? `set demotionArl at most ${reach.toLocaleString("en-US")}, or lower the demotion threshold further below the bar beneath`
        : "lower the demotion threshold further below the bar beneath, or raise its failureRate";
    problems.push(
      `${tier}: the demotion detector cannot reach a false-alarm run length of ${target.toLocaleString("en-US")} outcomes ` +
        `at the failure rate that cleared the bar beneath (${c.comfortable}; acceptable ${c.q0}, alarm tuned to ${c.q1}): ` +
        `the most it reaches is ${reach.toLocaleString("en-US")}; ${fix}`,
    );
  }
  return problems;
}
