// Plain words first (SPEC §5): what the gate says, in one sentence a stakeholder reads, computed from
// the gate's own decision (promotionGate) so it can never disagree with it. The statistics behind it
// (e-values, α, Wilson, CUSUM) stay in the labels shown under "Details".

import { evaluateDemotion } from "./demotion";
import {
  distanceAtRate,
  distanceInWords,
  gateAfterOutcomes,
  MORE_SEARCH_CAP,
  type Distance,
  type PlainGateInput,
} from "./distance";
import { promotionGate } from "./eligibility";
import { formatBar, formatCount, formatRateAgainst } from "./format";

export { formatCount, formatRateAgainst } from "./format";
export {
  gateAfterOutcomes,
  MORE_SEARCH_CAP,
  outcomesAtRate,
  recentDailyVolume,
  type Distance,
  type PlainGateInput,
} from "./distance";
import { gateOf } from "./gates";
import type { GateDecision } from "./statistics";
import { GATE_METHODS, type GateMethod, type PolicyRules, type Tier } from "./types";

/** What each tier lets an agent do: shown wherever a tier appears. */
export const TIER_MEANING: Record<Tier, string> = {
  CRAWL: "only suggests; a human acts",
  WALK: "acts on internal staff",
  RUN: "acts on external customers",
};

export interface PlainGate {
  /** null when there is no bar (RUN) */
  gate: GateDecision | null;
  cleared: boolean;
  /**
   * good outcomes in a row that would clear the gate (0 when it clears); null when no run of good
   * outcomes can (a failed `wilson` look, or beyond MORE_SEARCH_CAP). The least it could take, not a forecast.
   */
  more: number | null;
  /** how far the bar is at today's rate: what the sentence says */
  distance: Distance;
  sentence: string;
}

/** The gate's own decision after k more good outcomes (the fold's look included, for `wilson`). */
export const gateAfterMoreSuccesses = (input: PlainGateInput, k: number): GateDecision =>
  gateAfterOutcomes(input, k, 1);

/** The fewest good outcomes in a row that clear the gate (0 if it clears now), or null. */
export function moreToClear(input: PlainGateInput): number | null {
  const clears = (k: number) => gateAfterMoreSuccesses(input, k).cleared;
  if (clears(0)) return 0;
  const bar = input.rules.tiers[input.tier].promotion;
  const lookAt = bar ? gateOf(input.rules.gate).lookAt(bar) : null;
  if (lookAt !== null) {
    if (input.look) return null; // the one look is spent
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

/** One sentence: what the gate says, computed from its own decision. "clears" appears only when it does. */
export function plainGate(input: PlainGateInput): PlainGate {
  const { rules, tier } = input;
  const bar = rules.tiers[tier].promotion;
  if (!bar)
    return {
      gate: null,
      cleared: false,
      more: null,
      distance: { kind: "spent" },
      sentence: `${tier} is the top tier: there is no bar above it.`,
    };
  const gate = promotionGate(rules, tier, input.evidence, input.window, input.restarts, input.look);
  const more = moreToClear(input);
  // The all-good count is what the sentence says only while there is no rate to go by.
  const distance = distanceAtRate(input, () => more);
  const barText = `the ${formatBar(bar.threshold)} bar`;
  const method = gateOf(rules.gate);
  const counts = method.reads === "window" ? input.window : input.evidence;
  const where = method.reads === "window" ? ` in the last ${formatCount(rules.tiers[tier].windowDays)} days` : "";
  const rate = counts.trials > 0 ? counts.successes / counts.trials : 0;
  const observed = `${formatRateAgainst(rate, bar.threshold)} of ${formatCount(counts.trials)} outcome${counts.trials === 1 ? "" : "s"}${where} were good`;
  const sentence = method.sentence({
    gate,
    clause: distanceInWords(distance, method.lookAt(bar) !== null),
    distance,
    barText,
    observed,
    counts,
    where,
    rate,
    threshold: bar.threshold,
    lookAt: method.lookAt(bar),
    look: input.look,
  });
  return { gate, cleared: gate.cleared, more, distance, sentence };
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
  "promotion.pool": "who may approve",
  promotion: "promotion bar",
  "demotion.threshold": "demotion bar",
  "demotion.minSamples": "demotion minimum outcomes",
  "demotion.failureRate": "failure rate the demotion detector watches for",
  demotion: "demotion detector",
  slider: "share of external subjects",
};

/** A gate method in words, by its module; an unknown value as it is. */
const gateWords = (v: unknown): string =>
  (GATE_METHODS as readonly unknown[]).includes(v) ? gateOf(v as GateMethod).title : String(v);

function valueInWords(field: string, v: unknown): string {
  if (field === "promotion.pool") return poolInWords(v);
  if (field === "slider") return sliderInWords(v);
  if (v === null || v === undefined) return "none";
  if (typeof v === "object") return "set";
  if (typeof v !== "number")
    return field === "gate" ? gateWords(v) : field === "incidentSeverity" ? `${String(v)} or worse` : String(v);
  if (/threshold$|failureRate$/.test(field)) return formatBar(v);
  if (/Days$|DaysInTier$/.test(field)) return `${formatCount(v)} day${v === 1 ? "" : "s"}`;
  if (field === "alpha" || field === "demotionAlpha") return String(v);
  return formatCount(v);
}

/** The slider's exposure in words: "10%", or a ramp "ramp 5% → 25% → 100% (at least 3 days per step)". */
function sliderInWords(v: unknown): string {
  if (!v || typeof v !== "object") return "100%";
  const s = v as { percent?: number; steps?: number[]; minDaysPerStep?: number };
  const pct = (n: number) => `${Number(n.toFixed(2))}%`;
  if (!s.steps || s.steps.length === 0) return typeof s.percent === "number" ? pct(s.percent) : "100%";
  const days = s.minDaysPerStep ?? 0;
  const wait = days > 0 ? ` (at least ${formatCount(days)} day${days === 1 ? "" : "s"} per step)` : "";
  return `ramp ${s.steps.map(pct).join(" → ")}${wait}`;
}

/** A reviewer pool in words, without names (a pure rule has ids only): "2 named people or any admin". */
function poolInWords(v: unknown): string {
  if (!v || typeof v !== "object") return "every reviewer";
  const p = v as { users?: unknown[]; roles?: unknown[] };
  const n = p.users?.length ?? 0;
  const parts = [
    ...(n ? [`${n} named ${n === 1 ? "person" : "people"}`] : []),
    ...(p.roles ?? []).map((r) => `any ${String(r)}`),
  ];
  return parts.length ? parts.join(" or ") : "nobody";
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
    const how = gateOf(rules.gate).how(p, t.windowDays, rules.alpha);
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
