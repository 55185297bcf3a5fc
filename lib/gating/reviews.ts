// SPEC §3 rules 3–5: who may review, blind reviews, quorum bound to the snapshot.

import { can } from "./permissions";
import { rationaleProblem } from "./rationale";
import { inPool, type ReviewerPool } from "./reviewer-pool";
import type { PolicyRules, RequestKind, RequestStatus, ReviewDecision, Role, Tier } from "./types";
import { TIERS } from "./types";

export function canReview(role: Role): boolean {
  return can(role, "request:review");
}

export interface ReviewRecord {
  reviewerId: string;
  decision: ReviewDecision;
  /** the snapshot hash the reviewer judged */
  snapshotHash: string;
}

export interface ReviewedRequest {
  requesterId: string;
  status: RequestStatus;
  /** hash of the current evidence snapshot */
  snapshotHash: string;
  kind: RequestKind;
}

export type ReviewRefusal =
  | "forbidden_role"
  | "not_open"
  | "self_review"
  | "not_in_pool"
  | "already_reviewed"
  | "stale_snapshot"
  | "rationale_too_short";

export type ReviewCheck = { ok: true } | { ok: false; code: ReviewRefusal; message: string };

export interface ReviewAttempt {
  request: ReviewedRequest;
  reviewer: { id: string; role: Role };
  existing: readonly ReviewRecord[];
  rationale: string;
  /** hash of the snapshot the reviewer was shown; refused if the evidence changed meanwhile */
  snapshotHash?: string;
  /** the current policy's pool for this request (reviewer-pool.ts poolFor); absent: every reviewer */
  pool?: ReviewerPool;
}

/**
 * May this person review this request now? "One person counts once" is per
 * snapshot: a reviewer whose approval went stale because the evidence
 * changed may review the new snapshot.
 */
export function checkReview(attempt: ReviewAttempt): ReviewCheck {
  const { request, reviewer, existing, rationale } = attempt;
  if (!canReview(reviewer.role))
    return {
      ok: false,
      code: "forbidden_role",
      message: `role ${reviewer.role} may not review; reviewers and admins may`,
    };
  if (request.status !== "open")
    return { ok: false, code: "not_open", message: `the request is ${request.status}, not open` };
  if (reviewer.id === request.requesterId)
    return { ok: false, code: "self_review", message: "the requester cannot review their own request" };
  if (!inPool(attempt.pool, reviewer))
    return {
      ok: false,
      code: "not_in_pool",
      message:
        "you are not in this tier's reviewer pool: the policy names who may approve promotions out of it (see the request page)",
    };
  if (existing.some((r) => r.reviewerId === reviewer.id && r.snapshotHash === request.snapshotHash)) {
    return {
      ok: false,
      code: "already_reviewed",
      message: "you have already reviewed this evidence; one person counts once",
    };
  }
  if (attempt.snapshotHash !== undefined && attempt.snapshotHash !== request.snapshotHash) {
    return {
      ok: false,
      code: "stale_snapshot",
      message: "the evidence changed while you were reviewing; review the current snapshot",
    };
  }
  const problem = rationaleProblem(rationale);
  if (problem) return { ok: false, code: "rationale_too_short", message: problem };
  return { ok: true };
}

/**
 * Blind reviews (rule 3). Open request: only a reviewer/admin who has already
 * submitted a review on it sees the others (any snapshot: once seen, hiding
 * them again would be theatre). The requester, auditors and viewers see
 * reviews only once the request is no longer open; then everyone may.
 */
export function canSeeReviews(
  viewerId: string,
  role: Role,
  request: Pick<ReviewedRequest, "requesterId" | "status">,
  reviews: readonly ReviewRecord[],
): boolean {
  if (request.status !== "open") return true;
  if (viewerId === request.requesterId || !canReview(role)) return false;
  return reviews.some((r) => r.reviewerId === viewerId);
}

/** The reviews this viewer may see: always their own, the others only when canSeeReviews. */
export function visibleReviews<R extends ReviewRecord>(
  viewerId: string,
  role: Role,
  request: Pick<ReviewedRequest, "requesterId" | "status">,
  reviews: readonly R[],
): R[] {
  return canSeeReviews(viewerId, role, request, reviews)
    ? [...reviews]
    : reviews.filter((r) => r.reviewerId === viewerId);
}

export interface Tally {
  /** distinct reviewers approving the current snapshot */
  approvals: number;
  /** distinct reviewers who rejected, on any snapshot: a rejection closes the request */
  rejections: number;
  required: number;
  /** distinct reviewers whose approval is bound to an earlier snapshot only */
  staleApprovals: number;
  quorumMet: boolean;
  rejected: boolean;
}

/** Rule 4: `required` approvals on the current snapshot and no rejection. */
export function tally(reviews: readonly ReviewRecord[], currentSnapshotHash: string, required: number): Tally {
  const current = new Set<string>();
  const old = new Set<string>();
  const rejecters = new Set<string>();
  for (const r of reviews) {
    if (r.decision === "reject") rejecters.add(r.reviewerId);
    else if (r.snapshotHash === currentSnapshotHash) current.add(r.reviewerId);
    else old.add(r.reviewerId);
  }
  for (const id of current) old.delete(id);
  const approvals = current.size;
  const rejections = rejecters.size;
  return {
    approvals,
    rejections,
    required,
    staleApprovals: old.size,
    quorumMet: rejections === 0 && approvals >= required,
    rejected: rejections > 0,
  };
}

/**
 * Approvals a request needs. Promotion: the bar's reviewers of the tier left;
 * override: one more (rule 5). A policy change needs as many as the strictest
 * promotion bar of the policy in force, since a loosening can touch any tier.
 */
export function reviewersRequired(policy: PolicyRules, fromTier: Tier | null, kind: RequestKind): number {
  if (kind === "policy_change") {
    return Math.max(1, ...TIERS.map((t) => policy.tiers[t].promotion?.reviewers ?? 1));
  }
  const bar = fromTier ? policy.tiers[fromTier].promotion : undefined;
  if (!bar) throw new RangeError(`${fromTier ?? "no tier"} has no promotion bar, so nothing can be promoted out of it`);
  return bar.reviewers + (kind === "override" ? 1 : 0);
}

/**
 * Is this request waiting for this person's review? Exactly when a review by them could count: they
 * may review, are in its pool, it is open, it is not theirs, and they have not judged its current evidence (an approval
 * of evidence that has since changed no longer counts, so it waits for them again).
 */
export function awaitsReviewBy(
  reviewer: { id: string; role: Role },
  request: Pick<ReviewedRequest, "requesterId" | "status" | "snapshotHash">,
  existing: readonly ReviewRecord[],
  pool?: ReviewerPool,
): boolean {
  return (
    canReview(reviewer.role) &&
    inPool(pool, reviewer) &&
    request.status === "open" &&
    reviewer.id !== request.requesterId &&
    !existing.some((r) => r.reviewerId === reviewer.id && r.snapshotHash === request.snapshotHash)
  );
}
