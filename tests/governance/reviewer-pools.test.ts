// Issue 25 item 4: a policy names who may approve promotions out of a tier. Someone outside the pool is
// refused where reviews are recorded (403, nothing changes), the inbox does not show them the request,
// narrowing a pool applies at once and widening it is a loosening that needs review.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "@cwr/gating";
import type { PolicyRules, ReviewerPool } from "@cwr/gating/types";
import { editPolicy } from "@/lib/policies/mutations";
import { listAwaitingReview } from "@/lib/requests/data";
import { openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import { NOW, RATIONALE, eligibleCrawl, openWorld, refusedWithoutEffect, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => {
  await w?.database.close();
});

const REASON = "Only the payments on-call reviewers approve this action's promotions.";

function withCrawlPool(radius: "low" | "medium", pool: ReviewerPool | undefined): PolicyRules {
  const rules = defaultPolicy(radius);
  if (pool) rules.tiers.CRAWL.promotion!.pool = pool;
  return rules;
}

describe("reviewer pools", () => {
  it("narrowing applies at once; a reviewer outside the pool is refused (403) and nothing changes; the inbox follows", async () => {
    const s = await eligibleCrawl(w.db, "medium");
    const { people } = w;
    const narrowed = await editPolicy(
      w.db,
      people.admin,
      {
        actionTypeId: s.id,
        rules: withCrawlPool("medium", { users: [people.reviewer2.id, people.reviewer3.id] }),
        reason: REASON,
      },
      NOW,
    );
    expect(narrowed.outcome).toBe("applied");

    const req = await openPromotionRequest(w.db, people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    const err = await refusedWithoutEffect(
      w.db,
      s.id,
      () =>
        reviewRequest(w.db, people.reviewer1, { requestId: req.id, decision: "approve", rationale: RATIONALE }, NOW),
      "not_in_pool",
      403,
    );
    expect(err.message).toMatch(/pool/);
    // A rejection from outside the pool would close the request: refused the same way.
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => reviewRequest(w.db, people.reviewer1, { requestId: req.id, decision: "reject", rationale: RATIONALE }, NOW),
      "not_in_pool",
      403,
    );

    const awaiting = async (who: keyof World["people"]) =>
      (await listAwaitingReview(w.db, people[who], { actionTypeId: s.id })).map((r) => r.id);
    expect(await awaiting("reviewer1")).toEqual([]);
    expect(await awaiting("admin")).toEqual([]);
    expect(await awaiting("reviewer2")).toEqual([req.id]);

    await reviewRequest(w.db, people.reviewer2, { requestId: req.id, decision: "approve", rationale: RATIONALE }, NOW);
    const done = await reviewRequest(
      w.db,
      people.reviewer3,
      { requestId: req.id, decision: "approve", rationale: RATIONALE },
      NOW,
    );
    expect(done.status).toBe("applied");
  });

  it("a role group: only admins may approve; a reviewer is refused", async () => {
    const s = await eligibleCrawl(w.db, "low");
    const { people } = w;
    await editPolicy(
      w.db,
      people.admin,
      { actionTypeId: s.id, rules: withCrawlPool("low", { roles: ["admin"] }), reason: REASON },
      NOW,
    );
    const req = await openPromotionRequest(w.db, people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    await refusedWithoutEffect(
      w.db,
      s.id,
      () =>
        reviewRequest(w.db, people.reviewer1, { requestId: req.id, decision: "approve", rationale: RATIONALE }, NOW),
      "not_in_pool",
      403,
    );
    const done = await reviewRequest(
      w.db,
      people.admin2,
      { requestId: req.id, decision: "approve", rationale: RATIONALE },
      NOW,
    );
    expect(done.status).toBe("applied");
  });

  it("narrowing the pool of an open request applies to it at once; widening is a loosening that needs review", async () => {
    const s = await eligibleCrawl(w.db, "low");
    const { people } = w;
    const req = await openPromotionRequest(w.db, people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    const narrowed = await editPolicy(
      w.db,
      people.admin,
      { actionTypeId: s.id, rules: withCrawlPool("low", { users: [people.reviewer2.id] }), reason: REASON },
      NOW,
    );
    expect(narrowed.outcome).toBe("applied");
    await refusedWithoutEffect(
      w.db,
      s.id,
      () =>
        reviewRequest(w.db, people.reviewer1, { requestId: req.id, decision: "approve", rationale: RATIONALE }, NOW),
      "not_in_pool",
      403,
    );
    const widened = await editPolicy(
      w.db,
      people.admin,
      { actionTypeId: s.id, rules: withCrawlPool("low", undefined), reason: REASON },
      NOW,
    );
    expect(widened.outcome).toBe("review");
    expect(widened.changes.map((c) => [c.path, c.direction])).toEqual([["tiers.CRAWL.promotion.pool", "loosen"]]);
  });

  it("a pool that names fewer people than the approvals needed is refused", async () => {
    const s = await eligibleCrawl(w.db, "low");
    const rules = withCrawlPool("medium", { users: [w.people.reviewer2.id] });
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => editPolicy(w.db, w.people.admin, { actionTypeId: s.id, rules, reason: REASON }, NOW),
      "validation_failed",
      422,
    );
  });
});
