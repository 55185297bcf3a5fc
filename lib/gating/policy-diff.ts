// SPEC §3 rule 6: a loosening needs review, a tightening applies at once.
// "Loosen" means: easier to promote, or slower to demote. Every field is
// classified; a change that loosens anything makes the whole change a loosening.

import { defaultFailureRate } from "./statistics";
import { SEVERITIES, TIERS } from "./types";
import type { GateMethod, PolicyRules } from "./types";

export type Direction = "tighten" | "loosen";

export interface PolicyFieldChange {
  path: string;
  from: unknown;
  to: unknown;
  direction: Direction;
}

export interface PolicyChange {
  verdict: "unchanged" | "tighten" | "loosen";
  changes: PolicyFieldChange[];
}

/** For numbers: which way is tighter. */
type Tighter = "higher" | "lower";

/**
 * Direction of every field, with the reason:
 * - gate: eprocess > wilson > raw in strictness (wilson ignores repeated looks, raw ignores uncertainty).
 * - alpha (promotion): larger = easier to clear → loosen.
 * - demotionAlpha: larger = lower alarm level ln(1/α) → demotes more readily → tighten.
 * - incidentSeverity: a higher severity needed to demote → loosen.
 * - reviewPeriodDays: longer = approvals may ride on older evidence → loosen (as the lead specified).
 * - windowDays: shorter = loosen (SPEC rule 6): fewer outcomes reach the demotion sample and the wilson/raw look.
 * - promotion threshold/minSamples/minDaysInTier/reviewers: lower = loosen.
 * - demotion threshold: lower = tolerates a worse rate before demoting → loosen.
 * - demotion minSamples: higher = waits longer before it may demote → loosen.
 * - demotion failureRate q1 (effective, default resolved): the CUSUM's drift turns
 *   positive at a failure rate between q0 and q1 that rises with q1, so a higher q1
 *   tolerates more failures → loosen.
 * - a bar added/removed: a tier without a demotion bar never demotes (removing = loosen);
 *   without a promotion bar it can never be promoted (removing = tighten).
 */
const PROMOTION_FIELDS: ReadonlyArray<["threshold" | "minSamples" | "minDaysInTier" | "reviewers", Tighter]> = [
  ["threshold", "higher"],
  ["minSamples", "higher"],
  ["minDaysInTier", "higher"],
  ["reviewers", "higher"],
];

const GATE_STRICTNESS: Record<GateMethod, number> = { eprocess: 2, wilson: 1, raw: 0 };

function numeric(changes: PolicyFieldChange[], path: string, from: number, to: number, tighter: Tighter, tolerance = 0): void {
  if (Math.abs(from - to) <= tolerance || from === to) return;
  const up = to > from;
  changes.push({ path, from, to, direction: up === (tighter === "higher") ? "tighten" : "loosen" });
}

function ordinal(changes: PolicyFieldChange[], path: string, from: string, to: string, rank: (v: string) => number): void {
  if (from === to) return;
  changes.push({ path, from, to, direction: rank(to) > rank(from) ? "tighten" : "loosen" });
}

export function classifyPolicyChange(before: PolicyRules, after: PolicyRules): PolicyChange {
  const changes: PolicyFieldChange[] = [];

  ordinal(changes, "gate", before.gate, after.gate, (g) => GATE_STRICTNESS[g as GateMethod] ?? -1);
  numeric(changes, "alpha", before.alpha, after.alpha, "lower");
  numeric(changes, "demotionAlpha", before.demotionAlpha, after.demotionAlpha, "higher");
  // Lower severity index = any smaller incident demotes = stricter.
  ordinal(changes, "incidentSeverity", before.incidentSeverity, after.incidentSeverity, (s) => -SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]));
  numeric(changes, "reviewPeriodDays", before.reviewPeriodDays, after.reviewPeriodDays, "lower");

  for (const tier of TIERS) {
    const b = before.tiers[tier];
    const a = after.tiers[tier];
    const base = `tiers.${tier}`;
    numeric(changes, `${base}.windowDays`, b.windowDays, a.windowDays, "higher");

    if (b.promotion && a.promotion) {
      for (const [field, tighter] of PROMOTION_FIELDS) numeric(changes, `${base}.promotion.${field}`, b.promotion[field], a.promotion[field], tighter);
    } else if (b.promotion || a.promotion) {
      changes.push({ path: `${base}.promotion`, from: b.promotion ?? null, to: a.promotion ?? null, direction: a.promotion ? "loosen" : "tighten" });
    }

    if (b.demotion && a.demotion) {
      numeric(changes, `${base}.demotion.threshold`, b.demotion.threshold, a.demotion.threshold, "higher");
      numeric(changes, `${base}.demotion.minSamples`, b.demotion.minSamples, a.demotion.minSamples, "lower");
      // Only an explicit change of failureRate is reported; when both are the
      // default it follows the threshold, whose change is already listed.
      if (b.demotion.failureRate !== a.demotion.failureRate) {
        const from = b.demotion.failureRate ?? defaultFailureRate(1 - b.demotion.threshold);
        const to = a.demotion.failureRate ?? defaultFailureRate(1 - a.demotion.threshold);
        // Tolerance: the default 2·q0 carries binary noise (2·(1 − 0.8) = 0.3999…).
        numeric(changes, `${base}.demotion.failureRate`, from, to, "lower", 1e-12);
      }
    } else if (b.demotion || a.demotion) {
      changes.push({ path: `${base}.demotion`, from: b.demotion ?? null, to: a.demotion ?? null, direction: a.demotion ? "tighten" : "loosen" });
    }
  }

  const verdict = changes.some((c) => c.direction === "loosen") ? "loosen" : changes.length > 0 ? "tighten" : "unchanged";
  return { verdict, changes };
}
