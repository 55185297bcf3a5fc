// Plain words first (SPEC §5): what the gate says, in one sentence a stakeholder reads, computed from
// the gate's own decision (promotionGate) so it can never disagree with it. The statistics behind it
// (e-values, α, Wilson, CUSUM) stay in the labels shown under "Details".

import { evaluateDemotion } from "./demotion";
import { promotionGate } from "./eligibility";
import { lookAtOf, promotionAlpha, type GateLook } from "./evidence-fold";
import { formatBar } from "./format";
import { gateDecision, type GateDecision } from "./statistics";
import type { Counts, PolicyRules, Tier } from "./types";

/** What each tier lets an agent do: shown wherever a tier appears. */
export const TIER_MEANING: Record<Tier, string> = {
  CRAWL: "only suggests; a human acts",
  WALK: "acts on internal staff",
  RUN: "acts on external customers",
};

/** Whole numbers with thousands separators: 1809 → "1,809". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/**
 * A rate beside a bar, one decimal, printed so that it never reads as the wrong side of the bar:
 * rounded down (a rate below 92% never prints "92.0%"), with a second decimal only when a rate at or
 * above a bar like 92.25% would otherwise print below it.
 */
export function formatRateAgainst(rate: number, bar: number): string {
  const down = (d: number) => Math.floor(Number((rate * 100 * 10 ** d).toPrecision(12))) / 10 ** d;
  const one = down(1);
  if (rate >= bar && one < Number((bar * 100).toPrecision(12))) return `${down(2).toFixed(2)}%`;
  return `${one.toFixed(1)}%`;
}

/** Outcomes beyond this are not searched: "more than 10,000,000". */
export const MORE_SEARCH_CAP = 10_000_000;

export interface PlainGateInput {
  rules: PolicyRules;
  tier: Tier;
  /** cumulative evidence of the current version in this stay */
  evidence: Counts;
  /** the same evidence inside the tier's window (what `raw` reads) */
  window: Counts;
  restarts: number;
  look: GateLook | null;
}

export interface PlainGate {
  /** null when there is no bar (RUN) */
  gate: GateDecision | null;
  cleared: boolean;
  /**
   * good outcomes in a row that would clear the gate (0 when it clears); null when no run of good
   * outcomes can (a failed `wilson` look, or beyond MORE_SEARCH_CAP)
   */
  more: number | null;
  sentence: string;
}

const plus = (c: Counts, k: number): Counts => ({ successes: c.successes + k, trials: c.trials + k });

/** The gate's own decision after k more good outcomes (the fold's look included, for `wilson`). */
export function gateAfterMoreSuccesses(input: PlainGateInput, k: number): GateDecision {
  const { rules, tier, evidence, window, restarts, look } = input;
  if (rules.gate === "wilson" && look === null && k > 0) {
    // The fold takes the one look when the evidence first reaches lookAt, with the gate's own test.
    const bar = rules.tiers[tier].promotion!;
    const lookAt = lookAtOf(rules, tier) ?? bar.minSamples;
    const after = plus(evidence, k);
    if (after.trials < lookAt) return promotionGate(rules, tier, after, plus(window, k), restarts, null);
    const g = gateDecision("wilson", after, bar.threshold, promotionAlpha(rules, restarts));
    return promotionGate(rules, tier, after, plus(window, k), restarts, {
      policyVersion: 0,
      restarts,
      successes: after.successes,
      trials: after.trials,
      cleared: g.cleared,
      statistic: g.statistic,
    });
  }
  return promotionGate(rules, tier, plus(evidence, k), plus(window, k), restarts, look);
}

/** The fewest good outcomes in a row that clear the gate (0 if it clears now), or null. */
export function moreToClear(input: PlainGateInput): number | null {
  const clears = (k: number) => gateAfterMoreSuccesses(input, k).cleared;
  if (clears(0)) return 0;
  if (input.rules.gate === "wilson") {
    if (input.look) return null; // the one look is spent
    const lookAt = lookAtOf(input.rules, input.tier) ?? 0;
    const k = Math.max(1, lookAt - input.evidence.trials);
    return clears(k) ? k : null;
  }
  // The e-process and the raw rate only grow with a good outcome: search for the first k that clears.
  let hi = 1;
  while (!clears(hi)) {
    if (hi >= MORE_SEARCH_CAP) return null;
    hi = Math.min(hi * 2, MORE_SEARCH_CAP);
  }
  let lo = Math.floor(hi / 2); // does not clear (0 did not, and hi/2 did not when hi > 1)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (clears(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

const goodOutcomes = (n: number) => `${formatCount(n)} more good outcome${n === 1 ? "" : "s"} in a row`;

function moreClause(more: number | null, wilson: boolean): string {
  if (more === null)
    return wilson
      ? "no run of good outcomes can clear it now"
      : `more than ${formatCount(MORE_SEARCH_CAP)} good outcomes in a row would be needed`;
  return `${goodOutcomes(more)} would clear it`;
}

/** One sentence: what the gate says, computed from its own decision. "clears" appears only when it does. */
export function plainGate(input: PlainGateInput): PlainGate {
  const { rules, tier } = input;
  const bar = rules.tiers[tier].promotion;
  if (!bar)
    return { gate: null, cleared: false, more: null, sentence: `${tier} is the top tier: there is no bar above it.` };
  const gate = promotionGate(rules, tier, input.evidence, input.window, input.restarts, input.look);
  const more = moreToClear(input);
  const barText = `the ${formatBar(bar.threshold)} bar`;
  const counts = rules.gate === "raw" ? input.window : input.evidence;
  const where = rules.gate === "raw" ? ` in the last ${formatCount(rules.tiers[tier].windowDays)} days` : "";
  const rate = counts.trials > 0 ? counts.successes / counts.trials : 0;
  const observed = `${formatRateAgainst(rate, bar.threshold)} of ${formatCount(counts.trials)} outcome${counts.trials === 1 ? "" : "s"}${where} were good`;

  if (rules.gate === "raw") {
    const sentence = gate.cleared
      ? `${observed}, at or above ${barText}: the gate clears (a raw rate, no statistical guarantee).`
      : counts.trials === 0
        ? `No outcomes${where} yet; ${moreClause(more, false)} (a raw rate, no statistical guarantee).`
        : `${observed}, below ${barText}; ${moreClause(more, false)} (a raw rate, no statistical guarantee).`;
    return { gate, cleared: gate.cleared, more, sentence };
  }

  if (rules.gate === "wilson") {
    const look = input.look;
    const lookAt = lookAtOf(rules, tier) ?? bar.minSamples;
    let sentence: string;
    if (look) {
      const seen = `At its one look, ${formatRateAgainst(look.trials ? look.successes / look.trials : 0, bar.threshold)} of ${formatCount(look.trials)} outcomes were good`;
      sentence = gate.cleared
        ? `${seen}: enough evidence that the true rate is above ${barText}; the gate clears.`
        : `${seen}: not enough evidence that the true rate is above ${barText}. The look is spent: only an approved loosening of the policy allows another.`;
    } else {
      const so = counts.trials > 0 ? `${observed} so far` : "No outcomes yet";
      sentence = `The gate looks once, at ${formatCount(lookAt)} outcomes, for evidence that the true rate is above ${barText}. ${so}; ${more === null ? "even if every outcome until then is good, that look would not clear it" : `${moreClause(more, true)} at that look`}.`;
    }
    return { gate, cleared: gate.cleared, more, sentence };
  }

  const sentence = gate.cleared
    ? `${observed}: enough evidence that the true rate is above ${barText}; the gate clears.`
    : counts.trials === 0
      ? `No outcomes of this version yet; it needs evidence that the true rate is above ${barText}: ${moreClause(more, false)}.`
      : rate >= bar.threshold
        ? `${observed}; that is not yet enough evidence that the true rate is above ${barText}; ${moreClause(more, false)}.`
        : `${observed}, below ${barText}; ${moreClause(more, false)}.`;
  return { gate, cleared: gate.cleared, more, sentence };
}

const FIELD_WORDS: Record<string, string> = {
  gate: "gate method",
  alpha: "promotion α (risk of a false promotion)",
  demotionAlpha: "demotion α (risk of a false demotion)",
  demotionArl: "false-alarm run length (outcomes)",
  incidentSeverity: "incident that demotes to CRAWL",
  reviewPeriodDays: "review period",
  proposalExpiryHours: "proposal expiry (hours)",
  windowDays: "window",
  "promotion.threshold": "promotion bar",
  "promotion.minSamples": "minimum outcomes",
  "promotion.minDaysInTier": "minimum time in tier",
  "promotion.reviewers": "reviewers",
  "promotion.lookAt": "one look at (outcomes)",
  promotion: "promotion bar",
  "demotion.threshold": "demotion bar",
  "demotion.minSamples": "demotion minimum outcomes",
  "demotion.failureRate": "failure rate the demotion detector watches for",
  demotion: "demotion detector",
};

const GATE_WORDS: Record<string, string> = {
  eprocess: "e-process (checked after every outcome)",
  wilson: "Wilson (one look)",
  raw: "raw rate (no statistical guarantee)",
};

function valueInWords(field: string, v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (typeof v === "object") return "set";
  if (typeof v !== "number")
    return field === "gate"
      ? (GATE_WORDS[String(v)] ?? String(v))
      : field === "incidentSeverity"
        ? `${String(v)} or worse`
        : String(v);
  if (/threshold$|failureRate$/.test(field)) return formatBar(v);
  if (/Days$|DaysInTier$/.test(field)) return `${formatCount(v)} day${v === 1 ? "" : "s"}`;
  if (field === "alpha" || field === "demotionAlpha") return String(v);
  return formatCount(v);
}

/** A policy field change in words: "CRAWL promotion bar: 85% → 80%" (the path stays available as `path`). */
export function policyChangeInWords(change: { path: string; from: unknown; to: unknown }): {
  label: string;
  from: string;
  to: string;
  text: string;
} {
  const m = /^tiers\.(CRAWL|WALK|RUN)\.(.+)$/.exec(change.path);
  const field = m ? m[2]! : change.path;
  const label = `${m ? `${m[1]} ` : ""}${FIELD_WORDS[field] ?? field}`;
  const from = valueInWords(field, change.from);
  const to = valueInWords(field, change.to);
  return { label, from, to, text: `${label}: ${from} → ${to}` };
}

const TIER_BELOW: Record<Tier, Tier | null> = { CRAWL: null, WALK: "CRAWL", RUN: "WALK" };
const TIER_ABOVE: Record<Tier, Tier | null> = { CRAWL: "WALK", WALK: "RUN", RUN: null };

/** What a tier's bars ask, in words: the promotion out of it and the demotion out of it. */
export function barsInWords(rules: PolicyRules, tier: Tier): string[] {
  const t = rules.tiers[tier];
  const out: string[] = [];
  const next = TIER_ABOVE[tier];
  if (t.promotion && next) {
    const p = t.promotion;
    const how =
      rules.gate === "eprocess"
        ? `, checked after every outcome with at most a ${formatBar(rules.alpha)} risk of promoting an agent that is not above it`
        : rules.gate === "wilson"
          ? `, judged once, at ${formatCount(p.lookAt ?? p.minSamples)} outcomes (${formatBar(1 - rules.alpha)} confidence)`
          : " by its raw rate over the last " + `${formatCount(t.windowDays)} days (no statistical guarantee)`;
    out.push(
      `Promotion to ${next} (where the agent ${TIER_MEANING[next]}) needs evidence that the true success rate is above ${formatBar(p.threshold)}${how}; at least ${formatCount(p.minSamples)} outcomes, ${formatCount(p.minDaysInTier)} day${p.minDaysInTier === 1 ? "" : "s"} in ${tier} and ${p.reviewers} reviewer approval${p.reviewers === 1 ? "" : "s"}.`,
    );
  }
  const below = TIER_BELOW[tier];
  if (t.demotion && below) {
    out.push(
      `Demoted to ${below} automatically when its success rate falls below ${formatBar(t.demotion.threshold)} (after at least ${formatCount(t.demotion.minSamples)} outcomes in the ${formatCount(t.windowDays)}-day window).`,
    );
  }
  if (tier !== "CRAWL")
    out.push(`An incident of ${rules.incidentSeverity} severity or worse demotes it straight to CRAWL.`);
  return out;
}

export interface PlainDemotionInput {
  rules: PolicyRules;
  tier: Tier;
  /** the detector as the evidence shows it: its statistic, its alarm level, and the window's sample */
  cusum: number;
  threshold: number;
  samples: number;
  minSamples: number;
}

/**
 * What would demote this tier now, in one sentence computed from the detector's own verdict
 * (evaluateDemotion), so it can never disagree with it. null in CRAWL (nothing to demote to).
 */
export function plainDemotion(d: PlainDemotionInput): string | null {
  const below = TIER_BELOW[d.tier];
  const bar = d.rules.tiers[d.tier].demotion;
  if (!below) return null;
  const incident = `An incident of ${d.rules.incidentSeverity} severity or worse demotes it straight to CRAWL.`;
  if (!bar) return `No regression detector is set for ${d.tier}. ${incident}`;
  const verdict = evaluateDemotion(
    { tier: d.tier, cusum: d.cusum, window: { successes: 0, trials: d.samples }, incidentSeverity: null },
    d.rules,
  );
  const days = formatCount(d.rules.tiers[d.tier].windowDays);
  if (verdict.action === "demote")
    return `Failures have reached the regression detector's alarm: it is demoted to ${verdict.to} at its next check. ${incident}`;
  if (d.samples < d.minSamples)
    return `Watched for regression: the detector can act once ${formatCount(d.minSamples)} outcomes are in its ${days}-day window (${formatCount(d.samples)} so far). ${incident}`;
  const share = d.threshold > 0 ? Math.min(99, Math.floor((d.cusum / d.threshold) * 100)) : 0;
  const where =
    share === 0
      ? "recent outcomes have not moved the detector toward its alarm"
      : `recent failures have taken the detector to ${share}% of its alarm`;
  return `Watched for regression: ${where}; at the alarm it is demoted to ${below} on its own. ${incident}`;
}
