import { describe, expect, it } from "vitest";
import { reviewClaimContradiction, type ReviewClaim } from "./audit-crosscheck";

const claim = (over: Partial<ReviewClaim>): ReviewClaim => ({
  seq: "12",
  kind: "request.approved",
  actorId: "u2",
  actorLabel: "reviewer2@x",
  entityId: "r1",
  data: { status: "approved" },
  ...over,
});
const approve = { reviewerId: "u2", decision: "approve", snapshotHash: "h" };

describe("review claims against review rows", () => {
  it("an approval by a person with their approval on an approved request agrees", () => {
    expect(reviewClaimContradiction(claim({}), { status: "approved", reviews: [approve] })).toBeNull();
    expect(reviewClaimContradiction(claim({}), { status: "applied", reviews: [approve] })).toBeNull();
    expect(
      reviewClaimContradiction(
        claim({ kind: "request.review_submitted", data: { decision: "approve", snapshotHash: "h" } }),
        {
          status: "open",
          reviews: [approve],
        },
      ),
    ).toBeNull();
  });

  it("names an approval without the person's approval row, on an open request, or on a request that does not exist", () => {
    expect(reviewClaimContradiction(claim({}), { status: "approved", reviews: [] })).toMatch(/no matching review/);
    expect(reviewClaimContradiction(claim({ actorId: "u3" }), { status: "approved", reviews: [approve] })).toMatch(
      /no matching review/,
    );
    expect(reviewClaimContradiction(claim({}), { status: "open", reviews: [approve] })).toMatch(/it is open/);
    expect(reviewClaimContradiction(claim({}), null)).toMatch(/does not exist/);
  });

  it("names a submitted review whose decision or snapshot differs from the row", () => {
    const submitted = (data: object) => claim({ kind: "request.review_submitted", data });
    expect(
      reviewClaimContradiction(submitted({ decision: "reject", snapshotHash: "h" }), {
        status: "open",
        reviews: [approve],
      }),
    ).toMatch(/no matching/);
    expect(
      reviewClaimContradiction(submitted({ decision: "approve", snapshotHash: "other" }), {
        status: "open",
        reviews: [approve],
      }),
    ).toMatch(/no matching/);
  });

  it("a rejection needs the person's reject row and a rejected request", () => {
    const rejected = claim({ kind: "request.rejected" });
    const reject = { reviewerId: "u2", decision: "reject", snapshotHash: "h" };
    expect(reviewClaimContradiction(rejected, { status: "rejected", reviews: [reject] })).toBeNull();
    expect(reviewClaimContradiction(rejected, { status: "approved", reviews: [reject] })).toMatch(/but it is approved/);
    expect(reviewClaimContradiction(rejected, { status: "rejected", reviews: [approve] })).toMatch(/no matching/);
  });
});
