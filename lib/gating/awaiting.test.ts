// "Awaiting my review" must list exactly the requests on which a review by this person would be
// accepted: it is checkReview's own rule, minus the rationale the reviewer has not written yet.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { awaitsReviewBy, checkReview } from "./reviews";
import { REQUEST_STATUSES, ROLES } from "./types";

const id = fc.constantFrom("a", "b", "c");
const hash = fc.constantFrom("h1", "h2");
const review = fc.record({
  reviewerId: id,
  decision: fc.constantFrom("approve" as const, "reject" as const),
  snapshotHash: hash,
});

describe("awaitsReviewBy", () => {
  it("holds exactly when checkReview would accept a well-written review", () => {
    fc.assert(
      fc.property(
        id,
        fc.constantFrom(...ROLES),
        id,
        fc.constantFrom(...REQUEST_STATUSES),
        hash,
        fc.array(review, { maxLength: 4 }),
        (me, role, requester, status, current, existing) => {
          const request = { requesterId: requester, status, snapshotHash: current, kind: "promotion" as const };
          const accepted = checkReview({
            request,
            reviewer: { id: me, role },
            existing,
            rationale: "Evidence reviewed against the bar; fine.",
          }).ok;
          expect(awaitsReviewBy({ id: me, role }, request, existing)).toBe(accepted);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("waits again for a reviewer whose approval went stale", () => {
    const request = { requesterId: "req", status: "open" as const, snapshotHash: "h2" };
    expect(
      awaitsReviewBy({ id: "me", role: "reviewer" }, request, [
        { reviewerId: "me", decision: "approve", snapshotHash: "h1" },
      ]),
    ).toBe(true);
    expect(
      awaitsReviewBy({ id: "me", role: "reviewer" }, request, [
        { reviewerId: "me", decision: "approve", snapshotHash: "h2" },
      ]),
    ).toBe(false);
    expect(awaitsReviewBy({ id: "req", role: "admin" }, request, [])).toBe(false);
    expect(awaitsReviewBy({ id: "me", role: "viewer" }, request, [])).toBe(false);
  });
});
