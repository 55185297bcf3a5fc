// What a tier lets an agent do, and which events count toward its rate.

import { SEVERITIES, TIER_MODES, TIERS } from "./types";
import type { Audience, EventKind, Mode, OutcomeClass, Severity, Tier } from "./types";

export function modeOf(tier: Tier): Mode {
  return TIER_MODES[tier];
}

/** The event family whose rate is a tier's bar (SPEC §1 table). */
export const METRIC_FAMILY: Record<Tier, "suggestion" | "action" | "outcome"> = {
  CRAWL: "suggestion",
  WALK: "action",
  RUN: "outcome",
};

const CLASS_OF: Record<Exclude<EventKind, "incident">, OutcomeClass> = {
  "suggestion.accepted": "success",
  // An edit means the suggestion was not right as suggested.
  "suggestion.edited": "failure",
  "suggestion.rejected": "failure",
  "action.completed": "success",
  "action.reverted": "failure",
  "action.escalated": "failure",
  "outcome.positive": "success",
  "outcome.negative": "failure",
};

/**
 * How an event counts toward the rate of the tier it happened at. Events of
 * another tier's family are ignored (an action.* at RUN is an internal action,
 * not a customer outcome); incidents are ignored by the rate because the
 * demotion rule handles them.
 */
export function outcomeOf(kind: EventKind, tier: Tier): OutcomeClass {
  if (kind === "incident") return "ignored";
  const family = kind.slice(0, kind.indexOf("."));
  return family === METRIC_FAMILY[tier] ? CLASS_OF[kind] : "ignored";
}

export function isTier(value: unknown): value is Tier {
  return typeof value === "string" && (TIERS as readonly string[]).includes(value);
}

export function tierAbove(tier: Tier): Tier | null {
  return TIERS[TIERS.indexOf(tier) + 1] ?? null;
}

export function tierBelow(tier: Tier): Tier | null {
  const i = TIERS.indexOf(tier);
  return i > 0 ? TIERS[i - 1]! : null;
}

/** Tier order: CRAWL < WALK < RUN. Negative when a is below b. */
export function compareTiers(a: Tier, b: Tier): number {
  return TIERS.indexOf(a) - TIERS.indexOf(b);
}

/** a is as severe as b or more. */
export function severityAtLeast(a: Severity, b: Severity): boolean {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b);
}

/** What narrowed one decision below its action type's tier: the slider or WALK's contract, in words. */
export interface DecisionLimit {
  rule: "slider" | "contract";
  reason: string;
}

export interface Decision {
  allowed: boolean;
  /** what this decision lets the agent do (the answering tier's mode) */
  mode: Mode;
  /** the action type's tier, as GET /api/v1/tiers says it (CRAWL for an unknown action) */
  tier: Tier;
  /** the tier whose rules answered this decision: below `tier` when a slider or contract limited it */
  answeredAs: Tier;
  /** why this decision was answered below the action type's tier (null: it was not) */
  limitedBy: DecisionLimit | null;
  reason: string;
}

/**
 * Answer to POST /api/v1/decisions. An unknown action type (null) answers as
 * CRAWL. Freezing only blocks tier changes: a frozen tier still grants what
 * it grants, and the reason says it is frozen.
 */
export function decide(tier: Tier | null, frozen: boolean, audience: Audience): Decision {
  if (tier === null) {
    return {
      allowed: false,
      mode: "suggest",
      tier: "CRAWL",
      answeredAs: "CRAWL",
      limitedBy: null,
      reason: "unknown action type: answered as CRAWL, suggest only",
    };
  }
  const mode = modeOf(tier);
  let allowed: boolean;
  let reason: string;
  if (tier === "CRAWL") {
    allowed = false;
    reason = "CRAWL: suggest only, a human performs the action";
  } else if (tier === "WALK") {
    allowed = audience === "internal";
    reason = allowed
      ? "WALK: may act on internal targets"
      : "WALK: may act on internal targets only; suggest for external ones";
  } else {
    allowed = true;
    reason = `RUN: may act on ${audience} targets`;
  }
  if (frozen) reason += " (tier frozen)";
  return { allowed, mode, tier, answeredAs: tier, limitedBy: null, reason };
}
