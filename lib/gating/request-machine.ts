// A review request as a pure state machine (the pattern of xstate's pure
// transition): transition(state, event) returns the next state and the side
// effects to perform as data, or a refusal. Nothing here writes anything.

import { toEpochMs } from "./eligibility";
import { compareTiers } from "./outcomes";
import type { ReviewerPool } from "./reviewer-pool";
import { checkReview, tally, type ReviewRecord, type ReviewRefusal, type Tally } from "./reviews";
import type { PolicyRules, RequestKind, RequestStatus, ReviewDecision, Role, Tier } from "./types";

export interface RequestReview extends ReviewRecord {
  rationale: string;
  /** epoch ms */
  at: number;
}

export interface RequestState {
  id: string;
  kind: RequestKind;
  status: RequestStatus;
  requesterId: string;
  /** promotion/override: the tier left and the tier entered; null for a policy change */
  fromTier: Tier | null;
  toTier: Tier | null;
  /** SHA-256 of the current evidence snapshot; approvals bind to it */
  snapshotHash: string;
  /** approvals needed, fixed when the request is opened (override: +1) */
  requiredApprovals: number;
  /** epoch ms */
  expiresAt: number;
  /** the policy version the snapshot pinned */
  policyVersionPinned: number;
  /** policy_change: the rules to apply */
  proposedPolicy?: PolicyRules;
  reviews: RequestReview[];
}

/** A request as stored (a row and its reviews): what the interpreter and the readers turn into the machine's state. */
export interface StoredRequest extends Pick<
  RequestState,
  "id" | "kind" | "status" | "requesterId" | "fromTier" | "toTier" | "snapshotHash"
> {
  reviewersRequired: number;
  expiresAt: Date | number;
  /** the version of the policy its snapshot pinned */
  pinnedVersion: number;
  proposedPolicy?: PolicyRules | null;
  reviews: ReadonlyArray<{
    reviewerId: string;
    decision: ReviewDecision;
    snapshotHash: string;
    rationale: string;
    at: Date | number;
  }>;
}

export function requestStateOf(r: StoredRequest): RequestState {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    requesterId: r.requesterId,
    fromTier: r.fromTier,
    toTier: r.toTier,
    snapshotHash: r.snapshotHash,
    requiredApprovals: r.reviewersRequired,
    expiresAt: toEpochMs(r.expiresAt),
    policyVersionPinned: r.pinnedVersion,
    ...(r.proposedPolicy ? { proposedPolicy: r.proposedPolicy } : {}),
    reviews: r.reviews.map((v) => ({
      reviewerId: v.reviewerId,
      decision: v.decision,
      snapshotHash: v.snapshotHash,
      rationale: v.rationale,
      at: toEpochMs(v.at),
    })),
  };
}

/** Live facts re-checked when an approved request is applied (SPEC §3 rule 9). */
export interface LiveCheck {
  currentTier: Tier;
  frozen: boolean;
  /** version of the action type's tier state when the snapshot was taken, and now */
  stateVersionAtSnapshot: number;
  currentStateVersion: number;
  policyVersionPinned: number;
  currentPolicyVersion: number;
  /** the caller's classifyPolicyChange(pinned, current) found a tightening */
  policyTightenedSince: boolean;
  /**
   * The live eligibility's unmet bar, samples and days (messages). Rule 1 holds at apply time too: a
   * promotion whose live evidence no longer clears the bar is not applied; an override is against
   * the bar by definition.
   */
  liveBarUnmet?: string[];
}

export type RequestEvent =
  | {
      type: "review";
      reviewer: { id: string; role: Role };
      decision: ReviewDecision;
      rationale: string;
      at: Date | number;
      snapshotHash?: string;
      /** the current policy's reviewer pool for this request (narrowing applies at once) */
      pool?: ReviewerPool;
    }
  | { type: "withdraw"; actorId: string }
  | { type: "expire"; now: Date | number }
  | { type: "apply"; live: LiveCheck }
  /** the evidence or pinned policy of an open request changed: approvals on the old hash stop counting */
  | { type: "evidence_changed"; snapshotHash: string; policyVersionPinned?: number }
  /** a policy change whose base version was replaced can never apply: it is closed, not left to linger */
  | { type: "supersede"; currentPolicyVersion: number };

export type NotifyEvent =
  | "request.opened"
  | "request.reviewed"
  | "request.approved"
  | "request.rejected"
  | "request.withdrawn"
  | "request.expired"
  | "request.applied"
  | "request.approvals_invalidated";

export type Effect =
  | { type: "change_tier"; requestId: string; from: Tier; to: Tier; cause: "promotion" | "override" }
  | { type: "apply_policy"; requestId: string; rules: PolicyRules; basedOnVersion: number }
  // No review decision in notifications: that would unblind the other reviewers.
  | { type: "notify"; requestId: string; event: NotifyEvent; status: RequestStatus; tally?: Tally };

export type TransitionErrorCode =
  | ReviewRefusal
  | "expired"
  | "not_requester"
  | "not_expired_yet"
  | "not_approved"
  | "demoted"
  | "tier_changed"
  | "frozen"
  | "state_changed"
  | "policy_tightened"
  | "policy_changed"
  | "not_superseded"
  | "not_eligible";

export interface TransitionError {
  code: TransitionErrorCode;
  message: string;
  /** every reason found, when there is more than one (apply) */
  reasons?: string[];
}

export type TransitionResult = { next: RequestState; effects: Effect[] } | { error: TransitionError };

const fail = (code: TransitionErrorCode, message: string, reasons?: string[]): TransitionResult => ({
  error: reasons ? { code, message, reasons } : { code, message },
});

function notify(state: RequestState, event: NotifyEvent, t?: Tally): Effect {
  return t
    ? { type: "notify", requestId: state.id, event, status: state.status, tally: t }
    : { type: "notify", requestId: state.id, event, status: state.status };
}

export function currentTally(state: RequestState): Tally {
  return tally(state.reviews, state.snapshotHash, state.requiredApprovals);
}

export function transition(state: RequestState, event: RequestEvent): TransitionResult {
  switch (event.type) {
    case "review":
      return onReview(state, event);
    case "withdraw":
      if (state.status !== "open")
        return fail("not_open", `only an open request can be withdrawn; this one is ${state.status}`);
      if (event.actorId !== state.requesterId)
        return fail("not_requester", "only the requester can withdraw a request");
      return closeAs(state, "withdrawn", "request.withdrawn");
    case "expire":
      if (state.status !== "open")
        return fail("not_open", `only an open request can expire; this one is ${state.status}`);
      if (toEpochMs(event.now) < state.expiresAt)
        return fail("not_expired_yet", `the request is open until ${new Date(state.expiresAt).toISOString()}`);
      return closeAs(state, "expired", "request.expired");
    case "apply":
      return onApply(state, event.live);
    case "supersede":
      if (state.kind !== "policy_change")
        return fail("not_superseded", "only a policy change is superseded by a new policy version");
      if (state.status !== "open" && state.status !== "approved")
        return fail("not_open", `only an open or approved request can be superseded; this one is ${state.status}`);
      if (event.currentPolicyVersion === state.policyVersionPinned)
        return fail("not_superseded", "the policy it was reviewed against is still current");
      return closeAs(state, "withdrawn", "request.withdrawn");
    case "evidence_changed": {
      if (state.status !== "open")
        return fail("not_open", `only an open request can take new evidence; this one is ${state.status}`);
      if (event.snapshotHash === state.snapshotHash) return { next: state, effects: [] };
      const next: RequestState = {
        ...state,
        snapshotHash: event.snapshotHash,
        policyVersionPinned: event.policyVersionPinned ?? state.policyVersionPinned,
      };
      const had = currentTally(state).approvals;
      return { next, effects: had > 0 ? [notify(next, "request.approvals_invalidated", currentTally(next))] : [] };
    }
  }
}

function closeAs(state: RequestState, status: RequestStatus, event: NotifyEvent): TransitionResult {
  const next = { ...state, status };
  return { next, effects: [notify(next, event)] };
}

function onReview(state: RequestState, e: Extract<RequestEvent, { type: "review" }>): TransitionResult {
  const check = checkReview({
    request: state,
    reviewer: e.reviewer,
    existing: state.reviews,
    rationale: e.rationale,
    ...(e.snapshotHash !== undefined ? { snapshotHash: e.snapshotHash } : {}),
    ...(e.pool ? { pool: e.pool } : {}),
  });
  if (!check.ok) return fail(check.code, check.message);
  const at = toEpochMs(e.at);
  // An expired request may not have been swept yet; it must not take reviews.
  if (at >= state.expiresAt) return fail("expired", "the review period is over; the request has expired");

  const review: RequestReview = {
    reviewerId: e.reviewer.id,
    decision: e.decision,
    snapshotHash: state.snapshotHash,
    rationale: e.rationale.trim(),
    at,
  };
  const withReview: RequestState = { ...state, reviews: [...state.reviews, review] };
  const t = currentTally(withReview);
  // Rule 4: one rejection closes the request; quorum approves it.
  if (t.rejected) {
    const next = { ...withReview, status: "rejected" as const };
    return { next, effects: [notify(next, "request.rejected", t)] };
  }
  if (t.quorumMet) {
    const next = { ...withReview, status: "approved" as const };
    return { next, effects: [notify(next, "request.approved", t)] };
  }
  return { next: withReview, effects: [notify(withReview, "request.reviewed", t)] };
}

function onApply(state: RequestState, live: LiveCheck): TransitionResult {
  if (state.status !== "approved") {
    return fail("not_approved", `only an approved request can be applied; this one is ${state.status}`);
  }

  if (state.kind === "policy_change") {
    // The change was reviewed as a diff against the pinned version; applying it over another would undo that version.
    if (live.currentPolicyVersion !== state.policyVersionPinned) {
      return fail(
        "policy_changed",
        `the policy changed since the request was opened (version ${state.policyVersionPinned} → ${live.currentPolicyVersion}); open a new request`,
      );
    }
    if (!state.proposedPolicy) throw new Error(`policy_change request ${state.id} carries no proposed policy`);
    const next = { ...state, status: "applied" as const };
    return {
      next,
      effects: [
        {
          type: "apply_policy",
          requestId: state.id,
          rules: state.proposedPolicy,
          basedOnVersion: state.policyVersionPinned,
        },
        notify(next, "request.applied"),
      ],
    };
  }

  const from = state.fromTier;
  const to = state.toTier;
  if (!from || !to) throw new Error(`${state.kind} request ${state.id} has no tiers`);
  const found: Array<[TransitionErrorCode, string]> = [];
  const cmp = compareTiers(live.currentTier, from);
  if (cmp < 0)
    found.push([
      "demoted",
      `the action type was demoted to ${live.currentTier} since the snapshot (request was from ${from})`,
    ]);
  else if (cmp > 0) found.push(["tier_changed", `the action type is in ${live.currentTier} now, not ${from}`]);
  if (live.frozen) found.push(["frozen", "the action type is frozen"]);
  // Same tier but a different state version: demoted and re-promoted, or frozen and unfrozen, so the clock and evidence restarted.
  if (cmp === 0 && live.stateVersionAtSnapshot !== live.currentStateVersion) {
    found.push([
      "state_changed",
      `the tier state changed since the snapshot (version ${live.stateVersionAtSnapshot} → ${live.currentStateVersion})`,
    ]);
  }
  if (live.policyTightenedSince)
    found.push([
      "policy_tightened",
      `the policy was tightened since the snapshot (version ${live.policyVersionPinned} → ${live.currentPolicyVersion})`,
    ]);
  if (state.kind === "promotion" && found.length === 0 && live.liveBarUnmet?.length) {
    found.push(["not_eligible", `the live evidence no longer clears the bar: ${live.liveBarUnmet.join("; ")}`]);
  }
  const first = found[0];
  if (first) {
    const reasons = found.map(([, m]) => m);
    return fail(first[0], `cannot apply: ${reasons.join("; ")}`, reasons);
  }

  const next = { ...state, status: "applied" as const };
  const cause = state.kind === "override" ? "override" : "promotion";
  return {
    next,
    effects: [{ type: "change_tier", requestId: state.id, from, to, cause }, notify(next, "request.applied")],
  };
}
