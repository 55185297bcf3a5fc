// The types of the one interpreter of action-type state (action-type-state.ts): the context a decision
// reads, the commands, the effects it returns (as data) and the answers. Pure.
import type { EvidenceVerdict } from "./evidence-verdict";
import type { EligibilityResult } from "./eligibility";
import type { EvidenceState, FoldOutcome } from "./evidence-fold";
import type { PolicyChange } from "./policy-diff";
import type { Effect as RequestEffect, RequestReview, RequestState, TransitionErrorCode } from "./request-machine";
import type { OpenRefusal } from "./request-open";
import type { Tally } from "./reviews";
import type {
  PolicyRules,
  RequestKind,
  RequestStatus,
  Role,
  Severity,
  Tier,
  SliderStepCause,
  TierChangeCause,
} from "./types";

// ---------------------------------------------------------------------------------------------
// The context: what one decision may read, loaded once under the action type's lock.
// ---------------------------------------------------------------------------------------------

export type StateActor =
  | { type: "user"; id: string; label: string }
  | { type: "agent"; id: string; label: string }
  | { type: "system"; label: string };

export interface PolicyVersion {
  id: string;
  version: number;
  rules: PolicyRules;
}

export interface ActionTypeFacts {
  id: string;
  agentId: string;
  key: string;
  tier: Tier;
  /** epoch ms */
  tierSince: number;
  frozen: boolean;
  stateVersion: number;
  rampStep: number;
  /** epoch ms */
  rampStepSince: number;
  evidence: EvidenceState;
}

export interface LiveRequest {
  state: RequestState;
  /** the policy version its snapshot pinned */
  pinned: PolicyVersion;
  /** the action type's stateVersion inside its snapshot */
  snapshotStateVersion: number;
}

export interface StateContext {
  actionType: ActionTypeFacts;
  policy: PolicyVersion;
  /** the action type's open and approved requests, and the request a command names (whatever its status) */
  requests: LiveRequest[];
}

/** What the shell provides: fresh ids, and the evidence snapshot of a state with its SHA-256 (pure functions). */
export interface StateDeps {
  newId(): string;
  snapshotOf(context: StateContext, now: number): { snapshot: unknown; hash: string; eligibility: EligibilityResult };
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/** The state a person decided on (SPEC §3 rule 11): the tier shown and its stateVersion. */
export interface DecidedOn {
  tier?: Tier;
  frozen?: boolean;
  stateVersion: number;
}

export type StateCommand =
  | {
      type: "open_request";
      kind: Exclude<RequestKind, "policy_change">;
      requester: { id: string; role: Role };
      actor: StateActor;
      justification?: string;
    }
  | {
      type: "review";
      requestId: string;
      reviewer: { id: string; role: Role };
      decision: "approve" | "reject";
      rationale: string;
      snapshotHash?: string;
      actor: StateActor;
    }
  | { type: "apply"; requestId: string; actor: StateActor }
  | { type: "withdraw"; requestId: string; actorId: string; actor: StateActor }
  | { type: "expire"; requestId: string }
  | { type: "demote"; toTier?: Tier; rationale: string; actor: StateActor; expected?: DecidedOn }
  | { type: "freeze"; frozen: boolean; rationale: string; actor: StateActor; expected?: DecidedOn }
  | {
      type: "edit_policy";
      rules: PolicyRules;
      reason: string;
      basedOnVersion?: number;
      requester: { id: string; role: Role };
      actor: StateActor;
    }
  | { type: "ingest"; outcomes: readonly FoldOutcome[] }
  /** the sweep: the detector on the stored state (`peakCusum` "stored": the CUSUM as it stands) */
  | { type: "detect"; peakCusum: number | "stored"; worstIncident?: Severity | null };

// ---------------------------------------------------------------------------------------------
// Effects: what to write, in order. The audit entries are effects too, in the order they are chained.
// ---------------------------------------------------------------------------------------------

export type StateAuditKind =
  | "request.opened"
  | "request.review_submitted"
  | "request.apply_refused"
  | "request.evidence_changed"
  | Exclude<Extract<RequestEffect, { type: "notify" }>["event"], "request.opened">
  | "policy.version_created"
  | `tier.${TierChangeCause}`;

export interface AuditEffect {
  type: "audit";
  actor: StateActor;
  kind: StateAuditKind;
  entityType: "action_type" | "request" | "policy";
  entityId: string;
  data: Record<string, unknown>;
}

export type StateEffect =
  | {
      type: "open_request";
      request: RequestState;
      justification: string;
      snapshot: unknown;
      policyId: string;
      proposedRules: PolicyRules | null;
    }
  | { type: "record_review"; requestId: string; review: RequestReview }
  | {
      type: "update_request";
      requestId: string;
      status?: RequestStatus;
      snapshotHash?: string;
      decided?: true;
      applied?: true;
      statusReason?: string;
    }
  | {
      type: "change_tier";
      changeId: string;
      from: Tier;
      to: Tier;
      frozen: boolean;
      /** the freeze flag turns on now (its `frozenSince` starts) */
      freezesNow: boolean;
      cause: Exclude<TierChangeCause, SliderStepCause>;
      actor: StateActor;
      rationale: string;
      requestId: string | null;
      breached: Record<string, unknown> | null;
    }
  | {
      type: "change_ramp_step";
      changeId: string;
      tier: Tier;
      frozen: boolean;
      fromStep: number;
      toStep: number;
      fromPercent: number;
      toPercent: number;
      cause: SliderStepCause;
      actor: StateActor;
      rationale: string;
      details: Record<string, unknown>;
    }
  /** `tier`: a new tier restarts clock, evidence, α spending, detector and ramp; `gate_look`: a failed `wilson` look may be taken again; `detector`: the CUSUM restarts */
  | { type: "reset_evidence"; scope: "tier" | "gate_look" | "detector" }
  | { type: "set_evidence"; evidence: EvidenceState }
  | { type: "apply_policy"; policy: PolicyVersion; reason: string; requestId: string | null; actor: StateActor }
  | {
      type: "repin_requests";
      requestIds: string[];
      snapshot: unknown;
      hash: string;
      policy: PolicyVersion;
      reason: string;
    }
  | { type: "supersede_policy_changes"; requestIds: string[]; newVersion: number }
  /** the tier NOTIFY every cache and stream listens to (delivered on commit), with the state it announces */
  | { type: "notify"; changeId: string; cause: TierChangeCause; tier: Tier; frozen: boolean; tierSince: number }
  | AuditEffect;

export type StateRefusalCode = TransitionErrorCode | OpenRefusal | "conflict" | "state_moved";

export interface StateRefusal {
  code: StateRefusalCode;
  message: string;
  reasons?: string[];
  details?: Record<string, unknown>;
}

export type Answer =
  | { type: "opened"; request: RequestState; snapshotHash: string }
  | { type: "reviewed"; status: RequestStatus; tally: Tally; applyRefusal: string | null }
  | { type: "apply"; status: RequestStatus; refusal: StateRefusal | null }
  | { type: "closed"; status: RequestStatus }
  | { type: "tier_changed"; changeId: string; from: Tier; to: Tier; frozen: boolean; stateVersion: number }
  | { type: "policy_applied"; version: number; changes: PolicyChange["changes"] }
  | { type: "policy_review"; requestId: string; reviewersRequired: number; changes: PolicyChange["changes"] }
  | { type: "detected"; change: { actionKey: string; from: Tier; to: Tier; reason: string } | null }
  | {
      type: "folded";
      change: { actionKey: string; from: Tier; to: Tier; reason: string } | null;
      /** per ingested outcome, in the order given: whether it counts as evidence, and why not */
      verdicts: EvidenceVerdict[];
    };

/** `context`: the state as the effects leave it (what the shell will have written; the replay folds on it). */
export type StateDecision =
  { ok: true; effects: StateEffect[]; answer: Answer; context: StateContext } | { ok: false; refusal: StateRefusal };
