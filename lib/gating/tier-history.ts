// The tier an action type held on each day, and the bars that applied to it then (issue 25 item 2):
// a chart over its history draws each period against its own tier's bars, never today's across all.

import { DAY_MS } from "./types";
import type { PolicyRules, Tier } from "./types";

export interface TierChangeRecord {
  /** epoch ms of the change */
  at: number;
  from: Tier;
  to: Tier;
}

export interface PolicyRecord {
  /** epoch ms the version took effect */
  at: number;
  rules: PolicyRules;
}

export interface DayBars {
  /** the tier held at the end of the day */
  tier: Tier;
  /** promotion bar out of that tier under the policy in force that day (null: none, RUN) */
  promotion: number | null;
  /** demotion bar of that tier (null: none, CRAWL) */
  demotion: number | null;
}

const dayEnd = (day: string) => Date.parse(`${day}T00:00:00Z`) + DAY_MS;

/**
 * For each UTC day ("YYYY-MM-DD"), the tier held at its end and that tier's bars under the policy
 * version in force then. `changes` and `policies` in any order; `current` is the tier held now (used
 * when there is no change at all). Before the first policy version, the first one applies.
 */
export function barsByDay(
  days: readonly string[],
  current: Tier,
  changes: readonly TierChangeRecord[],
  policies: readonly PolicyRecord[],
): DayBars[] {
  if (policies.length === 0) throw new RangeError("barsByDay needs at least one policy version");
  const tierChanges = [...changes].sort((a, b) => a.at - b.at);
  const versions = [...policies].sort((a, b) => a.at - b.at);
  return days.map((day) => {
    const end = dayEnd(day);
    let tier: Tier = tierChanges[0]?.from ?? current;
    for (const c of tierChanges) if (c.at < end) tier = c.to;
    let rules = versions[0]!.rules;
    for (const v of versions) if (v.at < end) rules = v.rules;
    const t = rules.tiers[tier];
    return {
      tier,
      promotion: tier === "RUN" ? null : (t.promotion?.threshold ?? null),
      demotion: tier === "CRAWL" ? null : (t.demotion?.threshold ?? null),
    };
  });
}
