// Shared vocabulary of the gating core. Pure data: no Prisma, no I/O, no clock.

export const TIERS = ["CRAWL", "WALK", "RUN"] as const;
export type Tier = (typeof TIERS)[number];

export const MODES = ["suggest", "act_internal", "act_external"] as const;
export type Mode = (typeof MODES)[number];

/** What a tier lets an agent do (SPEC §1): CRAWL suggests, WALK acts internally, RUN acts on the outside. */
export const TIER_MODES: Readonly<Record<Tier, Mode>> = Object.freeze({
  CRAWL: "suggest",
  WALK: "act_internal",
  RUN: "act_external",
});

/** One day in milliseconds: the unit of windows, review periods and days in a tier (UTC days). */
export const DAY_MS = 86_400_000;

export const BLAST_RADII = ["low", "medium", "high", "critical"] as const;
export type BlastRadius = (typeof BLAST_RADII)[number];

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const GATE_METHODS = ["eprocess", "wilson", "raw"] as const;
/** eprocess: anytime-valid mixture e-process (default); wilson: one pre-registered look; raw: observed rate. */
export type GateMethod = (typeof GATE_METHODS)[number];

export const EVENT_KINDS = [
  "suggestion.accepted",
  "suggestion.edited",
  "suggestion.rejected",
  "action.completed",
  "action.reverted",
  "action.escalated",
  "outcome.positive",
  "outcome.negative",
  "incident",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Bar for leaving a tier upwards. Absent for RUN (nothing above it). */
export interface PromotionBar {
  /** success rate the gate must establish, in (0, 1) */
  threshold: number;
  /** minimum number of outcomes in the evidence */
  minSamples: number;
  /** minimum whole days in the tier before promotion */
  minDaysInTier: number;
  /** approvals a promotion out of this tier needs */
  reviewers: number;
  /** `wilson` only: the one pre-registered look, in outcomes of the evidence (default: minSamples) */
  lookAt?: number;
  /** who may approve a promotion out of this tier (default: every reviewer; lib/gating/reviewer-pool.ts) */
  pool?: ReviewerPool;
}

/**
 * A reviewer pool: the named people, and everyone holding one of the roles. Review power (the role's
 * request:review permission) is still required; the pool only narrows who among reviewers counts.
 */
export interface ReviewerPool {
  /** user ids */
  users?: string[];
  /** a role group: everyone with one of these review roles */
  roles?: PoolRole[];
}

/** The roles a pool may name: those that can review at all. */
export const POOL_ROLES = ["reviewer", "admin"] as const;
export type PoolRole = (typeof POOL_ROLES)[number];

/** Detector that demotes out of a tier. Absent for CRAWL (nothing below it). */
export interface DemotionBar {
  /** acceptable success rate; below the promotion threshold of the tier beneath (hysteresis) */
  threshold: number;
  /** outcomes needed in the window before the detector may fire */
  minSamples: number;
  /** CUSUM alternative failure rate q1; default min(2·q0, 0.5) where q0 = 1 − threshold */
  failureRate?: number;
}

export interface TierRules {
  /** evaluation window in days: bounds the rates shown and the demotion sample */
  windowDays: number;
  promotion?: PromotionBar;
  demotion?: DemotionBar;
  /** attested: only reporter and person outcomes count toward promotion (absent: any) */
  evidence?: "any" | "attested";
}

export interface PolicyRules {
  gate: GateMethod;
  /** error level of the promotion gate (e-process clears at E ≥ 1/alpha) */
  alpha: number;
  /** error level of the demotion detector; bounded, kept for compatibility (the alarm level comes from demotionArl) */
  demotionAlpha: number;
  /**
   * target false-alarm average run length of the CUSUM, in outcomes, at the failure rate the agent
   * cleared to enter the tier (default 10^6): sets the alarm level h
   */
  demotionArl?: number;
  /** an incident of this severity or worse demotes straight to CRAWL */
  incidentSeverity: Severity;
  /** open requests expire after this many days */
  reviewPeriodDays: number;
  tiers: { CRAWL: TierRules; WALK: TierRules; RUN: TierRules };
  /** a proposal (CRAWL, SPEC §8) may be decided and its grant used for this many hours; absent: 24 */
  proposalExpiryHours?: number;
  /** the autonomy slider inside RUN (lib/gating/slider.ts); absent: 100 % of subjects */
  slider?: { percent: number; steps?: number[]; minDaysPerStep?: number };
}

/** Successes and trials, the sufficient statistic for every gate. */
export interface Counts {
  successes: number;
  trials: number;
}

// ---- Added by the gating core (additive only) ----

/** Which kind of outcome an event is for the rate of a tier. */
export type OutcomeClass = "success" | "failure" | "ignored";

/** Who a WALK/RUN agent is about to act on. */
export const AUDIENCES = ["internal", "external"] as const;
export type Audience = (typeof AUDIENCES)[number];

export const ROLES = ["viewer", "reviewer", "admin", "auditor", "operator"] as const;
/** viewer = engineer; operator = front-line staff who decide suggestions. Only reviewer and admin may review. */
export type Role = (typeof ROLES)[number];

export const REQUEST_KINDS = ["promotion", "override", "policy_change"] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const REQUEST_STATUSES = ["open", "approved", "rejected", "withdrawn", "expired", "applied"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const REVIEW_DECISIONS = ["approve", "reject"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export const TIER_CHANGE_CAUSES = [
  "promotion",
  "automatic_demotion",
  "manual_demotion",
  "freeze",
  "unfreeze",
  "override",
  "ramp_advance",
  "ramp_step_back",
  "slider_change",
] as const;
export type TierChangeCause = (typeof TIER_CHANGE_CAUSES)[number];

/** The causes that move RUN's slider one step, without changing the tier. */
export const SLIDER_STEP_CAUSES = [
  "ramp_advance",
  "ramp_step_back",
  "slider_change",
] as const satisfies readonly TierChangeCause[];
export type SliderStepCause = (typeof SLIDER_STEP_CAUSES)[number];

/** The causes that move an action type down a tier. */
export const DEMOTION_CAUSES = ["automatic_demotion", "manual_demotion"] as const satisfies readonly TierChangeCause[];
