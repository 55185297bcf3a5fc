// SPEC §3 rule 8: no back doors. The domain layer itself (what the UI, server actions and API all call)
// refuses every role what it may not do — admin included: no approving one's own request, no skipping
// review, no applying a declined request, no missing rationale.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRequest, openPromotionRequest, reviewRequest, withdrawRequest } from "@/lib/requests/mutations";
import { demoteManually, setFrozen } from "@/lib/action-types/mutations";
import { editPolicy } from "@/lib/policies/mutations";
import { defaultPolicy } from "@cwr/gating";
import {
  JUSTIFICATION,
  NOW,
  RATIONALE,
  eligibleCrawl,
  newSubject,
  openWorld,
  overrideUp,
  refusedWithoutEffect,
  stateOf,
  type World,
} from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => {
  await w?.database.close();
});

type Who = keyof World["people"];
const tighter = () => {
  const r = defaultPolicy("low");
  r.tiers.CRAWL.promotion!.threshold = 0.9;
  return r;
};

describe("rule 8: what each role is refused, with nothing changed", () => {
  const cases: Array<{
    who: Who;
    what: string;
    code: string;
    status: number;
    run: (atId: string, requestId: string) => Promise<unknown>;
  }> = [
    {
      who: "auditor",
      what: "open a promotion request",
      code: "forbidden_role",
      status: 403,
      run: (atId) => openPromotionRequest(w.db, w.people.auditor, { actionTypeId: atId, kind: "promotion" }, NOW),
    },
    {
      who: "engineer",
      what: "open an override",
      code: "forbidden_role",
      status: 403,
      run: (atId) =>
        openPromotionRequest(
          w.db,
          w.people.engineer,
          { actionTypeId: atId, kind: "override", justification: JUSTIFICATION },
          NOW,
        ),
    },
    {
      who: "reviewer1",
      what: "open an override",
      code: "forbidden_role",
      status: 403,
      run: (atId) =>
        openPromotionRequest(
          w.db,
          w.people.reviewer1,
          { actionTypeId: atId, kind: "override", justification: JUSTIFICATION },
          NOW,
        ),
    },
    {
      who: "engineer",
      what: "review",
      code: "forbidden_role",
      status: 403,
      run: (_, id) =>
        reviewRequest(w.db, w.people.engineer, { requestId: id, decision: "approve", rationale: RATIONALE }, NOW),
    },
    {
      who: "auditor",
      what: "review",
      code: "forbidden_role",
      status: 403,
      run: (_, id) =>
        reviewRequest(w.db, w.people.auditor, { requestId: id, decision: "reject", rationale: RATIONALE }, NOW),
    },
    {
      who: "engineer",
      what: "freeze",
      code: "forbidden",
      status: 403,
      run: (atId) =>
        setFrozen(w.db, w.people.engineer, { actionTypeId: atId, frozen: true, rationale: RATIONALE }, NOW),
    },
    {
      who: "auditor",
      what: "freeze",
      code: "forbidden",
      status: 403,
      run: (atId) => setFrozen(w.db, w.people.auditor, { actionTypeId: atId, frozen: true, rationale: RATIONALE }, NOW),
    },
    {
      who: "engineer",
      what: "edit a policy",
      code: "forbidden",
      status: 403,
      run: (atId) =>
        editPolicy(w.db, w.people.engineer, { actionTypeId: atId, rules: tighter(), reason: RATIONALE }, NOW),
    },
    {
      who: "reviewer1",
      what: "edit a policy",
      code: "forbidden",
      status: 403,
      run: (atId) =>
        editPolicy(w.db, w.people.reviewer1, { actionTypeId: atId, rules: tighter(), reason: RATIONALE }, NOW),
    },
    {
      who: "auditor",
      what: "apply a request",
      code: "forbidden",
      status: 403,
      run: (_, id) => applyRequest(w.db, w.people.auditor, { requestId: id }, NOW),
    },
    {
      who: "auditor",
      what: "withdraw a request",
      code: "forbidden",
      status: 403,
      run: (_, id) => withdrawRequest(w.db, w.people.auditor, { requestId: id }, NOW),
    },
    {
      who: "admin",
      what: "withdraw someone else's request",
      code: "not_requester",
      status: 403,
      run: (_, id) => withdrawRequest(w.db, w.people.admin, { requestId: id }, NOW),
    },
    {
      who: "admin",
      what: "review with a one-word rationale",
      code: "rationale_too_short",
      status: 422,
      run: (_, id) => reviewRequest(w.db, w.people.admin, { requestId: id, decision: "approve", rationale: "ok" }, NOW),
    },
    {
      who: "admin",
      what: "freeze without a rationale",
      code: "rationale_too_short",
      status: 422,
      run: (atId) => setFrozen(w.db, w.people.admin, { actionTypeId: atId, frozen: true, rationale: " " }, NOW),
    },
  ];

  let atId = "";
  let requestId = "";
  beforeAll(async () => {
    const s = await eligibleCrawl(w.db);
    atId = s.id;
    requestId = (await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW))
      .id;
  });

  for (const c of cases) {
    it(`${c.who} cannot ${c.what} (${c.status} ${c.code})`, async () => {
      await refusedWithoutEffect(w.db, atId, () => c.run(atId, requestId), c.code, c.status);
    });
  }

  it("a viewer (engineer) may open a promotion request", async () => {
    const s = await eligibleCrawl(w.db);
    await expect(
      openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW),
    ).resolves.toMatchObject({ reviewersRequired: 1 });
  });
});

describe("rule 8: no role skips review, approves its own request or applies a declined one", () => {
  it("an admin cannot approve their own promotion request", async () => {
    const s = await eligibleCrawl(w.db);
    const { id } = await openPromotionRequest(w.db, w.people.admin, { actionTypeId: s.id, kind: "promotion" }, NOW);
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => reviewRequest(w.db, w.people.admin, { requestId: id, decision: "approve", rationale: RATIONALE }, NOW),
      "self_review",
      403,
    );
  });

  it("applying an open request (skipping review) is refused and changes no tier", async () => {
    const s = await eligibleCrawl(w.db);
    const { id } = await openPromotionRequest(w.db, w.people.admin, { actionTypeId: s.id, kind: "promotion" }, NOW);
    const before = await stateOf(w.db, s.id);
    const res = await applyRequest(w.db, w.people.admin, { requestId: id }, NOW);
    expect(res.refusal?.code).toBe("not_approved");
    const after = await stateOf(w.db, s.id);
    expect(after.actionType).toEqual(before.actionType);
    expect(after.requests.map((r) => r.status)).toEqual(["open"]);
    expect(after.tierChanges).toBe(0);
  });

  it("a rejected request cannot be applied, by anyone", async () => {
    const s = await eligibleCrawl(w.db);
    const { id } = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    await reviewRequest(w.db, w.people.reviewer1, { requestId: id, decision: "reject", rationale: RATIONALE }, NOW);
    for (const who of ["admin", "engineer", "reviewer2"] as const) {
      const res = await applyRequest(w.db, w.people[who], { requestId: id }, NOW);
      expect(res).toMatchObject({ status: "rejected", refusal: { code: "not_approved" } });
    }
    expect(await stateOf(w.db, s.id)).toMatchObject({
      actionType: { tier: "CRAWL" },
      tierChanges: 0,
      requests: [{ status: "rejected" }],
    });
  });

  it("the requester withdraws; a withdrawn request takes no review and cannot be applied", async () => {
    const s = await eligibleCrawl(w.db);
    const { id } = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    expect(await withdrawRequest(w.db, w.people.engineer, { requestId: id }, NOW)).toEqual({ status: "withdrawn" });
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => reviewRequest(w.db, w.people.reviewer1, { requestId: id, decision: "approve", rationale: RATIONALE }, NOW),
      "not_open",
      409,
    );
    expect((await applyRequest(w.db, w.people.admin, { requestId: id }, NOW)).refusal?.code).toBe("not_approved");
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("CRAWL");
  });

  it("a reviewer (not only an admin) may demote at once", async () => {
    const s = await newSubject(w.db);
    await overrideUp(w, s, NOW);
    await expect(
      demoteManually(w.db, w.people.reviewer3, { actionTypeId: s.id, rationale: RATIONALE }, NOW),
    ).resolves.toMatchObject({ to: "CRAWL" });
  });
});
