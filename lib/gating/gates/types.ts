// One interface per gate method (issue 20): how it decides, when it looks, how it is worded, and the
// operating characteristics policy-diff judges a change by. A new method is one module implementing
// this plus one registry entry (./index.ts), whose exhaustiveness check makes a missing one a type error.

import type { Distance } from "../distance";
import type { Counts, GateMethod, PromotionBar } from "../types";

export interface GateDecision {
  cleared: boolean;
  method: GateMethod;
  /** eprocess: E_n; wilson: exact one-sided lower bound; raw: observed rate */
  statistic: number;
  /** eprocess: 1/alpha; wilson and raw: the bar */
  required: number;
  /** e.g. "e-value 34.2 ≥ 20" */
  label: string;
}

/** The one look of a one-look gate, once taken (the evidence fold's GateLook is one). */
export interface TakenLook {
  successes: number;
  trials: number;
  cleared: boolean;
  statistic: number;
}

/** What the promotion gate of a tier reads. */
export interface PromotionContext {
  bar: PromotionBar;
  windowDays: number;
  /** cumulative evidence of the current version in the tier */
  evidence: Counts;
  /** the same inside the tier's window */
  window: Counts;
  /** α_j of this evidence (version restarts spend α) and ln(1/α_j), exact where α_j underflows */
  alpha: number;
  logLevel: number;
  look: TakenLook | null;
}

/** The pieces of the plain-words sentence every gate shares (lib/gating/plain-words.ts). */
export interface SentenceParts {
  gate: GateDecision;
  /** how far the bar is, in words ("about N more outcomes at today's rate …"), from the gate's own result */
  clause: string;
  /** the distance the clause words (a "will not clear" clause already says where the rate stands) */
  distance: Distance;
  barText: string;
  observed: string;
  counts: Counts;
  where: string;
  rate: number;
  threshold: number;
  lookAt: number | null;
  look: TakenLook | null;
}

export interface FalsePromotion {
  /** P(promoted | true rate exactly at the bar) for the stay's first evidence */
  value: number;
  /** false: a bound (the e-process's Ville bound), true: the exact probability */
  exact: boolean;
}

export interface GateModule {
  method: GateMethod;
  /** how the policy editor offers it */
  title: string;
  /** how it is named wherever a gate is shown */
  label: string;
  /** ordinal strictness for the field "gate" (higher is stricter) */
  strictness: number;
  /** its statistic is the e-value, plotted over the evidence */
  plotsEValue: boolean;
  /** what people must know before trusting it, where the sentence alone would not say it (null: nothing) */
  caveat: string | null;
  /** the counts it reads: the cumulative evidence or the window */
  reads: "evidence" | "window";
  /** the bar's one pre-registered look in outcomes, or null when it looks after every outcome */
  lookAt(bar: PromotionBar): number | null;
  /** the statistic on counts (a one-look gate's look itself) */
  decide(counts: Counts, threshold: number, alpha: number, logLevel?: number): GateDecision;
  /**
   * Whether outcomes arriving forever at `rate` (a share good) eventually clear a bar at `threshold`:
   * the closed form of how its test evolves, so "will not clear at today's rate" is exact. A one-look
   * gate is judged at its look instead (plain-words), never by this.
   */
  clearsInTheLongRun(rate: number, threshold: number): boolean;
  /** the tier's promotion gate on its evidence */
  promotion(ctx: PromotionContext): GateDecision;
  /** ", checked after every outcome …": how the bar is judged, for the bars in words */
  how(bar: PromotionBar, windowDays: number, alpha: number): string;
  /** the plain-words sentence */
  sentence(parts: SentenceParts): string;
  /** false promotion at the bar, at the stay's first level α₀ */
  falsePromotionAtBar(bar: PromotionBar, alpha0: number): FalsePromotion;
  /** fewest outcomes (all good) that can clear the gate at α₀; Infinity when none can */
  evidenceNeeded(bar: PromotionBar, alpha0: number): number;
}
