// Changing WALK's contract (SPEC §3 rule 6, §8): adding an internal subject widens what WALK may act on,
// so it is a loosening, a request reviewed like every other one (blind, by a quorum of reviewers other
// than the requester, each with a rationale, one rejection closes it). Removing one is a tightening and
// applies at once. Pure: the shell (lib/contracts/mutations.ts) loads, calls these, and writes.
import { MAX_CONTRACT_ENTRIES } from "./contract";
import { DEFAULT_REVIEW_PERIOD_DAYS } from "./defaults";
import { DAY_MS, toEpochMs } from "./eligibility";
import { can } from "./permissions";
import { checkReview, reviewersRequired, tally, type ReviewRecord, type ReviewRefusal, type Tally } from "./reviews";
import type { PolicyRules, RequestStatus, ReviewDecision, Role } from "./types";

export type ContractChange = { type: "add" | "remove"; entry: string };

/**
 * What a change does to the set of internal subjects: an addition loosens it (reviewed), a removal
 * tightens it (at once); a change that changes nothing is neither.
 */
export function classifyContractChange(
  entries: readonly string[],
  change: ContractChange,
): "loosen" | "tighten" | "unchanged" {
  const has = entries.includes(change.entry);
  if (change.type === "add") return has ? "unchanged" : "loosen";
  return has ? "tighten" : "unchanged";
}

export interface ContractReview extends ReviewRecord {
  rationale: string;
  /** epoch ms */
  at: number;
}

export interface ContractRequestState {
  id: string;
  status: RequestStatus;
  requesterId: string;
  /** SHA-256 of what reviewers judge ({agent, entry, reason}); a review names it */
  snapshotHash: string;
  /** approvals needed, fixed when the request is opened */
  requiredApprovals: number;
  /** epoch ms */
  expiresAt: number;
  reviews: ContractReview[];
}

export type ContractRefusal = ReviewRefusal | "conflict" | "expired" | "not_requester" | "not_expired_yet";
type Refused = { error: { code: ContractRefusal; message: string } };
const refuse = (code: ContractRefusal, message: string): Refused => ({ error: { code, message } });

/**
 * Approvals an addition needs: as a policy loosening of any of the agent's action types would (the
 * strictest promotion bar among their policies), since every one of them acts under the contract in WALK.
 */
export function contractReviewersRequired(policies: readonly PolicyRules[]): number {
  return Math.max(1, ...policies.map((p) => reviewersRequired(p, null, "policy_change")));
}

/** The review period: the shortest of the agent's policies (a stale loosening should not linger). */
export function contractReviewPeriodDays(policies: readonly PolicyRules[]): number {
  return policies.length ? Math.min(...policies.map((p) => p.reviewPeriodDays)) : DEFAULT_REVIEW_PERIOD_DAYS;
}

/** Opening a request to add `entry`: who may ask, and whether it is a loosening at all. */
export function openContractRequest(input: {
  id: string;
  requester: { id: string; role: Role };
  /** the agent's internal subjects now ([] without a contract) */
  entries: readonly string[];
  entry: string;
  /** an open request to add this very entry exists */
  alreadyAsked: boolean;
  policies: readonly PolicyRules[];
  snapshotHash: string;
  now: Date | number;
}): { state: ContractRequestState } | Refused {
  if (!can(input.requester.role, "admin:manage"))
    return refuse("forbidden_role", "only admins manage an agent's internal subjects");
  if (classifyContractChange(input.entries, { type: "add", entry: input.entry }) === "unchanged")
    return refuse("conflict", `"${input.entry}" is already an internal subject of this agent`);
  if (input.alreadyAsked) return refuse("conflict", `a request to add "${input.entry}" is already open`);
  if (input.entries.length >= MAX_CONTRACT_ENTRIES)
    return refuse(
      "conflict",
      `an agent's contract holds at most ${MAX_CONTRACT_ENTRIES} internal subjects; remove one first`,
    );
  return {
    state: {
      id: input.id,
      status: "open",
      requesterId: input.requester.id,
      snapshotHash: input.snapshotHash,
      requiredApprovals: contractReviewersRequired(input.policies),
      expiresAt: toEpochMs(input.now) + contractReviewPeriodDays(input.policies) * DAY_MS,
      reviews: [],
    },
  };
}

export interface ContractReviewResult {
  next: ContractRequestState;
  review: ContractReview;
  tally: Tally;
  /** the quorum was met: add the entry now, in the same transaction */
  apply: boolean;
}

/** A review (SPEC §3 rules 3, 4): the same checks and the same tally as every other request's. */
export function reviewContractRequest(
  state: ContractRequestState,
  e: {
    reviewer: { id: string; role: Role };
    decision: ReviewDecision;
    rationale: string;
    at: Date | number;
    /** the snapshot the reviewer was shown */
    snapshotHash?: string;
    /** internal subjects the contract holds now */
    entries: number;
  },
): ContractReviewResult | Refused {
  const check = checkReview({
    // Reviewed as a loosening, like a policy change (checkReview reads status, requester and hash only).
    request: { ...state, kind: "policy_change" },
    reviewer: e.reviewer,
    existing: state.reviews,
    rationale: e.rationale,
    ...(e.snapshotHash !== undefined ? { snapshotHash: e.snapshotHash } : {}),
  });
  if (!check.ok) return refuse(check.code, check.message);
  const at = toEpochMs(e.at);
  if (at >= state.expiresAt) return refuse("expired", "the review period is over; the request has expired");
  const review: ContractReview = {
    reviewerId: e.reviewer.id,
    decision: e.decision,
    snapshotHash: state.snapshotHash,
    rationale: e.rationale.trim(),
    at,
  };
  const reviews = [...state.reviews, review];
  const t = tally(reviews, state.snapshotHash, state.requiredApprovals);
  if (t.quorumMet && e.entries >= MAX_CONTRACT_ENTRIES)
    return refuse(
      "conflict",
      `an agent's contract holds at most ${MAX_CONTRACT_ENTRIES} internal subjects; remove one first`,
    );
  const status: RequestStatus = t.rejected ? "rejected" : t.quorumMet ? "applied" : "open";
  return { next: { ...state, status, reviews }, review, tally: t, apply: status === "applied" };
}

/** Closing an open request: its requester withdraws it, or its review period ends. */
export function closeContractRequest(
  state: ContractRequestState,
  e: { type: "withdraw"; actorId: string } | { type: "expire"; now: Date | number },
): { next: ContractRequestState } | Refused {
  if (state.status !== "open") return refuse("not_open", `the request is ${state.status}, not open`);
  if (e.type === "withdraw") {
    if (e.actorId !== state.requesterId) return refuse("not_requester", "only the requester can withdraw a request");
    return { next: { ...state, status: "withdrawn" } };
  }
  if (toEpochMs(e.now) < state.expiresAt)
    return refuse("not_expired_yet", `the request is open until ${new Date(state.expiresAt).toISOString()}`);
  return { next: { ...state, status: "expired" } };
}
