import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import {
  canSeeReviews,
  checkReview,
  reviewersRequired,
  tally,
  visibleReviews,
  type ReviewAttempt,
  type ReviewRecord,
} from "./reviews";
import { ROLES } from "./types";

const RATIONALE = "Evidence clears the bar with margin.";
const attempt = (over: Partial<ReviewAttempt> = {}): ReviewAttempt => ({
  request: { requesterId: "req", status: "open", snapshotHash: "h2", kind: "promotion" },
  reviewer: { id: "rev", role: "reviewer" },
  existing: [],
  rationale: RATIONALE,
  ...over,
});

describe("checkReview", () => {
  it("accepts a reviewer or an admin with a rationale on an open request", () => {
    expect(checkReview(attempt())).toEqual({ ok: true });
    expect(checkReview(attempt({ reviewer: { id: "adm", role: "admin" } }))).toEqual({ ok: true });
  });

  it("forbidden_role: viewers and auditors cannot review", () => {
    for (const role of ["viewer", "auditor"] as const)
      expect(checkReview(attempt({ reviewer: { id: "x", role } }))).toMatchObject({
        ok: false,
        code: "forbidden_role",
      });
  });

  it("not_open: closed requests take no reviews", () => {
    for (const status of ["approved", "rejected", "withdrawn", "expired", "applied"] as const) {
      expect(
        checkReview(attempt({ request: { requesterId: "req", status, snapshotHash: "h2", kind: "promotion" } })),
      ).toMatchObject({ ok: false, code: "not_open" });
    }
  });

  it("self_review: nobody, admin included, reviews their own request", () => {
    expect(checkReview(attempt({ reviewer: { id: "req", role: "admin" } }))).toMatchObject({
      ok: false,
      code: "self_review",
    });
  });

  it("already_reviewed: one person counts once per snapshot", () => {
    const existing: ReviewRecord[] = [{ reviewerId: "rev", decision: "approve", snapshotHash: "h2" }];
    expect(checkReview(attempt({ existing }))).toMatchObject({ ok: false, code: "already_reviewed" });
  });

  it("a reviewer whose approval went stale may review the new snapshot", () => {
    const existing: ReviewRecord[] = [{ reviewerId: "rev", decision: "approve", snapshotHash: "h1" }];
    expect(checkReview(attempt({ existing }))).toEqual({ ok: true });
  });

  it("stale_snapshot: the evidence changed while the reviewer was reading it", () => {
    expect(checkReview(attempt({ snapshotHash: "h1" }))).toMatchObject({ ok: false, code: "stale_snapshot" });
    expect(checkReview(attempt({ snapshotHash: "h2" }))).toEqual({ ok: true });
  });

  it("rationale_too_short: a rationale is words (rationale.ts: 20 visible characters, 10 letters or digits, 3 words)", () => {
    expect(checkReview(attempt({ rationale: "  looks good to me   " }))).toMatchObject({
      ok: false,
      code: "rationale_too_short",
      message: expect.stringMatching(
        /^rationale must be at least 20 characters, 10 of them letters or digits, in at least 3 words: has 13, 13 and 4 /,
      ),
    });
    for (const rationale of ["x".repeat(20), ".".repeat(20), "👍".repeat(19), "\u200b".repeat(40)])
      expect(checkReview(attempt({ rationale }))).toMatchObject({ ok: false, code: "rationale_too_short" });
    expect(checkReview(attempt({ rationale: "Evidence holds at 96% over 400 runs." }))).toEqual({ ok: true });
  });
});

describe("blind reviews", () => {
  const open = { requesterId: "req", status: "open" as const };
  const closed = { requesterId: "req", status: "approved" as const };
  const reviews: ReviewRecord[] = [
    { reviewerId: "a", decision: "approve", snapshotHash: "h" },
    { reviewerId: "b", decision: "approve", snapshotHash: "h" },
  ];

  it("a reviewer sees the others only after submitting their own", () => {
    expect(canSeeReviews("c", "reviewer", open, reviews)).toBe(false);
    expect(canSeeReviews("a", "reviewer", open, reviews)).toBe(true);
    expect(canSeeReviews("b", "admin", open, reviews)).toBe(true);
  });

  it("the requester, auditors and viewers see them only once the request is closed", () => {
    expect(canSeeReviews("req", "admin", open, reviews)).toBe(false);
    expect(canSeeReviews("aud", "auditor", open, reviews)).toBe(false);
    expect(canSeeReviews("eng", "viewer", open, reviews)).toBe(false);
    for (const role of ROLES) expect(canSeeReviews("anyone", role, closed, reviews)).toBe(true);
    expect(canSeeReviews("req", "viewer", closed, reviews)).toBe(true);
  });

  it("visibleReviews always includes one's own", () => {
    expect(visibleReviews("a", "reviewer", open, reviews)).toHaveLength(2);
    expect(visibleReviews("c", "reviewer", open, reviews)).toEqual([]);
    expect(visibleReviews("c", "reviewer", closed, reviews)).toHaveLength(2);
  });
});

describe("tally", () => {
  it("counts only approvals bound to the current snapshot", () => {
    const t = tally(
      [
        { reviewerId: "a", decision: "approve", snapshotHash: "old" },
        { reviewerId: "b", decision: "approve", snapshotHash: "new" },
        { reviewerId: "c", decision: "approve", snapshotHash: "old" },
        { reviewerId: "c", decision: "approve", snapshotHash: "new" },
      ],
      "new",
      2,
    );
    expect(t).toEqual({
      approvals: 2,
      rejections: 0,
      required: 2,
      staleApprovals: 1,
      quorumMet: true,
      rejected: false,
    });
  });

  it("stale approvals alone never meet quorum", () => {
    const t = tally(
      [
        { reviewerId: "a", decision: "approve", snapshotHash: "old" },
        { reviewerId: "b", decision: "approve", snapshotHash: "old" },
      ],
      "new",
      2,
    );
    expect(t).toMatchObject({ approvals: 0, staleApprovals: 2, quorumMet: false });
  });

  it("one person counts once", () => {
    const t = tally(
      [
        { reviewerId: "a", decision: "approve", snapshotHash: "h" },
        { reviewerId: "a", decision: "approve", snapshotHash: "h" },
      ],
      "h",
      2,
    );
    expect(t).toMatchObject({ approvals: 1, quorumMet: false });
  });

  it("one rejection, on any snapshot, rejects whatever the approvals", () => {
    const t = tally(
      [
        { reviewerId: "a", decision: "approve", snapshotHash: "h" },
        { reviewerId: "b", decision: "approve", snapshotHash: "h" },
        { reviewerId: "c", decision: "reject", snapshotHash: "old" },
      ],
      "h",
      2,
    );
    expect(t).toMatchObject({ approvals: 2, rejections: 1, quorumMet: false, rejected: true });
  });
});

describe("reviewersRequired", () => {
  const policy = defaultPolicy("medium"); // CRAWL 2, WALK 2
  const critical = defaultPolicy("critical"); // CRAWL 3, WALK 3
  it("promotion: the bar's reviewers of the tier left; override: one more", () => {
    expect(reviewersRequired(policy, "CRAWL", "promotion")).toBe(2);
    expect(reviewersRequired(policy, "CRAWL", "override")).toBe(3);
    expect(reviewersRequired(critical, "WALK", "override")).toBe(4);
    expect(reviewersRequired(defaultPolicy("low"), "WALK", "promotion")).toBe(1);
  });
  it("policy change: the strictest promotion bar of the policy in force", () => {
    const p = structuredClone(policy);
    p.tiers.WALK.promotion!.reviewers = 4;
    expect(reviewersRequired(p, null, "policy_change")).toBe(4);
  });
  it("nothing is promoted out of RUN", () => {
    expect(() => reviewersRequired(policy, "RUN", "promotion")).toThrow(RangeError);
  });
});
