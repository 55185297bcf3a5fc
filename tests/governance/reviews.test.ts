// SPEC §3 rule 3: reviews are blind, need a written rationale, the requester cannot review, and one
// person counts once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visibleReviews } from "@cwr/gating";
import type { Role } from "@cwr/gating/permissions";
import { openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import {
  JUSTIFICATION,
  NOW,
  RATIONALE,
  eligibleCrawl,
  openWorld,
  refusedWithoutEffect,
  stateOf,
  type Subject,
  type World,
} from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => {
  await w?.database.close();
});

/** A medium-radius request (2 approvals needed), opened by reviewer1. */
async function openMedium(): Promise<{ s: Subject; requestId: string }> {
  const s = await eligibleCrawl(w.db, "medium");
  const res = await openPromotionRequest(w.db, w.people.reviewer1, { actionTypeId: s.id, kind: "promotion" }, NOW);
  expect(res.reviewersRequired).toBe(2);
  return { s, requestId: res.id };
}

describe("rule 3: who may review, and how", () => {
  it("refuses a self-review with 403 self_review, even by a reviewer", async () => {
    const { s, requestId } = await openMedium();
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => reviewRequest(w.db, w.people.reviewer1, { requestId, decision: "approve", rationale: RATIONALE }, NOW),
      "self_review",
      403,
    );
  });

  it("refuses a second review by the same person (one person counts once)", async () => {
    const { s, requestId } = await openMedium();
    const first = await reviewRequest(
      w.db,
      w.people.reviewer2,
      { requestId, decision: "approve", rationale: RATIONALE },
      NOW,
    );
    expect(first.status).toBe("open");
    expect(first.tally.approvals).toBe(1);
    await refusedWithoutEffect(
      w.db,
      s.id,
      () =>
        reviewRequest(
          w.db,
          w.people.reviewer2,
          { requestId, decision: "approve", rationale: RATIONALE + " again" },
          NOW,
        ),
      "already_reviewed",
      409,
    );
    // …and switching to a rejection is a second review too.
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => reviewRequest(w.db, w.people.reviewer2, { requestId, decision: "reject", rationale: RATIONALE }, NOW),
      "already_reviewed",
      409,
    );
    expect(await w.db.review.count({ where: { requestId } })).toBe(1);
  });

  it("refuses a rationale under 20 characters with 422 (whitespace does not count)", async () => {
    const { s, requestId } = await openMedium();
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => reviewRequest(w.db, w.people.reviewer2, { requestId, decision: "approve", rationale: "LGTM" }, NOW),
      "rationale_too_short",
      422,
    );
    await refusedWithoutEffect(
      w.db,
      s.id,
      () =>
        reviewRequest(
          w.db,
          w.people.reviewer2,
          { requestId, decision: "reject", rationale: `   ${"x".repeat(19)}        ` },
          NOW,
        ),
      "rationale_too_short",
      422,
    );
    // Exactly 20 visible characters in words are enough (twenty x are not: SPEC §3 rule 3, issue 21).
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => reviewRequest(w.db, w.people.reviewer2, { requestId, decision: "approve", rationale: "x".repeat(20) }, NOW),
      "rationale_too_short",
      422,
    );
    const ok = await reviewRequest(
      w.db,
      w.people.reviewer2,
      { requestId, decision: "approve", rationale: "Bar met; sample is okay." },
      NOW,
    );
    expect(ok.tally.approvals).toBe(1);
  });

  it("refuses reviews by a viewer and an auditor with 403", async () => {
    const { s, requestId } = await openMedium();
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => reviewRequest(w.db, w.people.engineer, { requestId, decision: "approve", rationale: RATIONALE }, NOW),
      "forbidden_role",
      403,
    );
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => reviewRequest(w.db, w.people.auditor, { requestId, decision: "approve", rationale: RATIONALE }, NOW),
      "forbidden_role",
      403,
    );
  });

  it("stores the trimmed rationale and the snapshot hash the reviewer judged", async () => {
    const { requestId } = await openMedium();
    await reviewRequest(
      w.db,
      w.people.reviewer2,
      { requestId, decision: "approve", rationale: `  ${RATIONALE}  ` },
      NOW,
    );
    const req = await w.db.reviewRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: { snapshotHash: true },
    });
    const review = await w.db.review.findFirstOrThrow({ where: { requestId } });
    expect(review).toMatchObject({
      reviewerId: w.people.reviewer2.id,
      decision: "approve",
      rationale: RATIONALE,
      snapshotHash: req.snapshotHash,
    });
  });
});

describe("rule 3: reviews are blind until one has reviewed", () => {
  it("shows others' reviews (loaded from the database) only to reviewers who have submitted one, until the request closes", async () => {
    // An override on a medium action type needs 3 approvals, so two reviews leave it open.
    const s = await eligibleCrawl(w.db, "medium");
    const { id: requestId, reviewersRequired } = await openPromotionRequest(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, kind: "override", justification: JUSTIFICATION },
      NOW,
    );
    expect(reviewersRequired).toBe(3);
    await reviewRequest(w.db, w.people.reviewer1, { requestId, decision: "approve", rationale: RATIONALE }, NOW);
    await reviewRequest(w.db, w.people.reviewer2, { requestId, decision: "approve", rationale: RATIONALE }, NOW);

    const load = async () => {
      const r = await w.db.reviewRequest.findUniqueOrThrow({ where: { id: requestId }, include: { reviews: true } });
      return { request: { requesterId: r.requesterId, status: r.status }, reviews: r.reviews };
    };
    const seenBy = async (id: string, role: Role) => {
      const { request, reviews } = await load();
      return visibleReviews(id, role, request, reviews)
        .map((v) => v.reviewerId)
        .sort();
    };
    const both = [w.people.reviewer1.id, w.people.reviewer2.id].sort();

    expect((await load()).request.status).toBe("open");
    expect(await seenBy(w.people.reviewer1.id, "reviewer")).toEqual(both);
    expect(await seenBy(w.people.reviewer2.id, "reviewer")).toEqual(both);
    expect(await seenBy(w.people.reviewer3.id, "reviewer")).toEqual([]); // not reviewed yet: blind
    expect(await seenBy(w.people.admin.id, "admin")).toEqual([]); // the requester
    expect(await seenBy(w.people.admin2.id, "admin")).toEqual([]);
    expect(await seenBy(w.people.auditor.id, "auditor")).toEqual([]);
    expect(await seenBy(w.people.engineer.id, "viewer")).toEqual([]);

    const res = await reviewRequest(
      w.db,
      w.people.reviewer3,
      { requestId, decision: "reject", rationale: RATIONALE },
      NOW,
    );
    expect(res.status).toBe("rejected");
    expect((await seenBy(w.people.auditor.id, "auditor")).length).toBe(3);
    expect((await seenBy(w.people.engineer.id, "viewer")).length).toBe(3);
    expect((await stateOf(w.db, s.id)).actionType.tier).toBe("CRAWL");
  });
});
