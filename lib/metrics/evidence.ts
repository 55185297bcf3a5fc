// The live evidence of one action type: its state, pinned-able policy, cumulative promotion
// evidence, the window shown to people, the gate's verdict and eligibility. What a promotion request
// snapshots and what reviewers see beside the snapshot.
import {
  alphaSpent,
  confidenceSequence,
  cusumParams,
  demotionSampleFrom,
  evidenceFrom,
  stateEligibility,
  windowStartDay,
  PENDING_REQUEST_KINDS,
  PENDING_REQUEST_STATUSES,
  wilsonInterval,
  type ActionTypeFacts,
  type AlphaSpent,
  type EligibilityResult,
  type GateLook,
  type Interval,
  type PolicyVersion,
} from "@cwr/gating";
import type { Counts, PolicyRules, Tier } from "@cwr/gating/types";
import { gateOf } from "@cwr/gating/gates";

export interface LiveEvidence {
  actionType: {
    id: string;
    key: string;
    agentId: string;
    agentSlug: string;
    tier: Tier;
    tierSince: string;
    frozen: boolean;
    stateVersion: number;
    agentVersion: string | null;
  };
  policy: { id: string; version: number; rules: PolicyRules };
  /** the one evidence every gate reads (lib/gating/evidence-fold.ts) */
  evidence: Counts & {
    since: string;
    restarts: number;
    alpha: AlphaSpent;
    /** anytime-valid 95% confidence sequence of the rate: valid however often people look */
    interval: Interval;
    /** `wilson`: where the one look is, and its result once taken */
    lookAt: number | null;
    look: GateLook | null;
  };
  /** the same evidence inside the tier's window; `wilson` is a fixed-sample interval, shown only labelled as such */
  window: Counts & { days: number; rate: number; wilson: { lower: number; upper: number } };
  /** the demotion detector of this tier (null in CRAWL) */
  demotion: {
    cusum: number;
    threshold: number;
    q0: number;
    q1: number;
    detectionDelay: number;
    samples: number;
    minSamples: number;
  } | null;
  eligibility: EligibilityResult;
  takenAt: string;
  /**
   * outcomes a day of the evidence lately, to put a time on the distance to the bar. Live reads only:
   * a pinned snapshot never carries it (its hash covers what reviewers judge, not a forecast).
   */
  dailyVolume?: number;
}

/** Promotion or override requests that may still be in flight (a Prisma filter for blocksNewRequest's input). */
export const PENDING_PROMOTIONS = {
  kind: { in: [...PENDING_REQUEST_KINDS] },
  status: { in: [...PENDING_REQUEST_STATUSES] },
};

/** The action type's stateVersion a request's snapshot holds (-1 for a snapshot without one). */
export function snapshotStateVersionOf(snapshot: unknown): number {
  const v = (snapshot as { actionType?: { stateVersion?: unknown } } | null)?.actionType?.stateVersion;
  return typeof v === "number" ? v : -1;
}

/** An action type's state as the evidence view reads it (the interpreter's context, plus the agent's slug). */
export interface EvidenceFacts {
  actionType: ActionTypeFacts & { agentSlug: string; agentVersion: string | null };
  policy: PolicyVersion;
  /** a pending promotion or override blocks a new one (blocksNewRequest) */
  openRequest: boolean;
}

/** The live evidence of a state: pure, so a decision can snapshot the state it leads to before writing it. */
export function evidenceView(f: EvidenceFacts, now: Date): LiveEvidence {
  const at = f.actionType;
  const policy = f.policy;
  const tier = at.tier;
  const days = policy.rules.tiers[tier].windowDays;
  const state = at.evidence;
  const from = windowStartDay(now.getTime(), days);
  const window = evidenceFrom(state, from);
  const evidence = { successes: state.successes, trials: state.trials };
  const eligibility = stateEligibility({ actionType: at, policy, requests: [] }, now.getTime(), f.openRequest);
  const w = wilsonInterval(window.successes, window.trials);
  const d = policy.rules.tiers[tier].demotion;
  const promotionBar = policy.rules.tiers[tier].promotion;
  const cusum = cusumParams(policy.rules, tier);
  return {
    actionType: {
      id: at.id,
      key: at.key,
      agentId: at.agentId,
      agentSlug: at.agentSlug,
      tier,
      tierSince: new Date(at.tierSince).toISOString(),
      frozen: at.frozen,
      stateVersion: at.stateVersion,
      agentVersion: at.agentVersion,
    },
    policy: { id: policy.id, version: policy.version, rules: policy.rules },
    evidence: {
      ...evidence,
      since: new Date(state.evidenceSince).toISOString(),
      restarts: state.restarts,
      alpha: alphaSpent(policy.rules, state.restarts),
      interval: confidenceSequence(evidence.successes, evidence.trials),
      lookAt: promotionBar ? gateOf(policy.rules.gate).lookAt(promotionBar) : null,
      look: state.look,
    },
    window: {
      ...window,
      days,
      rate: window.trials ? window.successes / window.trials : 0,
      wilson: { lower: w.lower, upper: w.upper },
    },
    demotion:
      d && tier !== "CRAWL"
        ? {
            cusum: state.cusum,
            threshold: cusum.threshold,
            q0: cusum.q0,
            q1: cusum.q1,
            detectionDelay: cusum.detectionDelay,
            samples: demotionSampleFrom(state, from).trials,
            minSamples: d.minSamples,
          }
        : null,
    eligibility,
    takenAt: now.toISOString(),
  };
}
