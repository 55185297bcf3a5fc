// The overview's health and eligibility, as a summary a row can store and a database can index
// (issue 26): the health margin to sort by, the moment the row is eligible from, and the moment time
// alone may change either. Computed from the same eligibility and window as every other reader
// (state-eligibility.ts), never a second rule. Pure.
import { DAY_MS } from "./eligibility";
import { evidenceFrom } from "./evidence-fold";
import { stateEligibility, windowStartDay } from "./state-eligibility";
import type { StateContext } from "./state-types";

export interface HealthSummary {
  /** the overview's health: how far the window's rate sits above the demotion bar */
  healthMargin: number;
  /** epoch ms from which the row is eligible, as long as nothing else changes; null: not by time alone */
  eligibleFrom: number | null;
  /** epoch ms at which time alone changes the window (its oldest day with outcomes leaves it); null: never */
  staleAt: number | null;
}

/** The overview's health order: the window's rate above the demotion bar (negative: below); no outcomes sort last. */
export function healthMargin(windowRate: number | null, demotionThreshold: number | null): number {
  if (windowRate === null) return 1;
  return windowRate - (demotionThreshold ?? 0);
}

/**
 * The summary of a state at `now`. Time changes eligibility in two ways only: the days in the tier
 * grow (eligibleFrom is the moment minDaysInTier is reached, when that is all that is missing) and
 * the window slides (staleAt: recompute then). Everything else changes through a state change.
 */
export function healthSummary(
  ctx: Pick<StateContext, "actionType" | "policy">,
  openRequest: boolean,
  now: number,
): HealthSummary {
  const at = ctx.actionType;
  const tierRules = ctx.policy.rules.tiers[at.tier];
  const fromDay = windowStartDay(now, tierRules.windowDays);
  const window = evidenceFrom(at.evidence, fromDay);
  const margin = healthMargin(
    window.trials ? window.successes / window.trials : null,
    tierRules.demotion?.threshold ?? null,
  );
  const elig = stateEligibility({ ...ctx, requests: [] }, now, openRequest);
  let eligibleFrom: number | null = null;
  if (elig.eligible) eligibleFrom = now;
  else if (tierRules.promotion && elig.unmet.every((u) => u.code === "days_in_tier"))
    eligibleFrom = daysReached(at.tierSince, tierRules.promotion.minDaysInTier);
  let oldest: string | null = null;
  for (const [day, [, n]] of Object.entries(at.evidence.days))
    if (n > 0 && day >= fromDay && (oldest === null || day < oldest)) oldest = day;
  // A day leaves the window when the window's first day passes it: windowDays days after it began.
  const staleAt = oldest === null ? null : Date.parse(`${oldest}T00:00:00Z`) + tierRules.windowDays * DAY_MS;
  return { healthMargin: margin, eligibleFrom, staleAt };
}

/** The first millisecond at which eligibility's own days-in-tier arithmetic reaches `minDays`. */
function daysReached(tierSince: number, minDays: number): number {
  let t = tierSince + Math.ceil(minDays * DAY_MS);
  while ((t - tierSince) / DAY_MS < minDays) t++;
  return t;
}
