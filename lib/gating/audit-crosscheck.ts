// An audit entry that claims a review decision must match the review rows it is about. The hash chain
// cannot tell a forged entry whose hash was computed correctly (anyone who may INSERT into the log can
// compute it); the domain rows can: a `request.approved by reviewer2` with no approval by reviewer2 on
// that request is a forgery, named by seq.

/** The audit kinds that claim a review: each is checked against the request's review rows. */
export const REVIEW_CLAIM_KINDS = [
  "request.review_submitted",
  "request.reviewed",
  "request.approved",
  "request.rejected",
] as const;
export type ReviewClaimKind = (typeof REVIEW_CLAIM_KINDS)[number];
export const isReviewClaim = (kind: string): kind is ReviewClaimKind =>
  (REVIEW_CLAIM_KINDS as readonly string[]).includes(kind);

export interface ReviewClaim {
  seq: string;
  kind: ReviewClaimKind;
  actorId: string | null;
  actorLabel: string;
  /** the request the entry is about */
  entityId: string;
  data: unknown;
}

export interface ReviewFact {
  reviewerId: string;
  decision: string;
  snapshotHash: string;
}

/** The request as stored (null when no such request exists) and its review rows. */
export interface RequestFacts {
  status: string;
  reviews: readonly ReviewFact[];
}

const DECISION_OF: Record<ReviewClaimKind, "approve" | "reject" | null> = {
  "request.review_submitted": null, // the decision is in the entry's data
  "request.reviewed": "approve", // an approval short of quorum (a rejection closes the request)
  "request.approved": "approve", // the approval that completed the quorum
  "request.rejected": "reject",
};

/** Why the entry contradicts the domain rows, or null when they agree. */
export function reviewClaimContradiction(claim: ReviewClaim, request: RequestFacts | null): string | null {
  const what = `entry ${claim.seq} (${claim.kind} by ${claim.actorLabel || "nobody"})`;
  if (!request) return `${what} names request ${claim.entityId}, which does not exist`;
  const data = (claim.data ?? {}) as { decision?: unknown; snapshotHash?: unknown };
  const decision = DECISION_OF[claim.kind] ?? (typeof data.decision === "string" ? data.decision : null);
  const own = request.reviews.filter(
    (r) =>
      r.reviewerId === claim.actorId &&
      r.decision === decision &&
      (typeof data.snapshotHash !== "string" || r.snapshotHash === data.snapshotHash),
  );
  if (own.length === 0)
    return `${what} has no matching review: the request has no ${decision ?? "such"} review by that person (a forged entry)`;
  if (claim.kind === "request.approved" && (request.status === "open" || request.status === "rejected"))
    return `${what} says the request was approved, but it is ${request.status} (a forged entry)`;
  if (claim.kind === "request.rejected" && request.status !== "rejected")
    return `${what} says the request was rejected, but it is ${request.status} (a forged entry)`;
  return null;
}
