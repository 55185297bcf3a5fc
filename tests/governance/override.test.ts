// SPEC §3 rule 5: promotion against an unmet bar only as an override — opened by an admin with a
// written justification, one more approval than usual, marked forever as an override.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import { setFrozen } from "@/lib/action-types/mutations";
import {
  JUSTIFICATION,
  NOW,
  RATIONALE,
  auditSince,
  lastSeq,
  newSubject,
  openWorld,
  refused,
  refusedWithoutEffect,
  type World,
} from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => {
  await w?.database.close();
});

/** A low-radius action type created just now: no evidence, no time in tier — the bar is unmet. */
const unmet = () => newSubject(w.db, "low", NOW);

describe("rule 5: overrides", () => {
  it("an ordinary promotion against the unmet bar is refused", async () => {
    const s = await unmet();
    const err = await refusedWithoutEffect(
      w.db,
      s.id,
      () => openPromotionRequest(w.db, w.people.admin, { actionTypeId: s.id, kind: "promotion" }, NOW),
      "not_eligible",
      409,
    );
    expect(err.message).toMatch(/only an admin override/);
  });

  it("only an admin can open an override: a viewer and a reviewer are refused with 403", async () => {
    const s = await unmet();
    for (const who of [w.people.engineer, w.people.reviewer1, w.people.auditor]) {
      await refusedWithoutEffect(
        w.db,
        s.id,
        () =>
          openPromotionRequest(w.db, who, { actionTypeId: s.id, kind: "override", justification: JUSTIFICATION }, NOW),
        "forbidden_role",
        403,
      );
    }
  });

  it("needs a written justification of at least 20 characters (422)", async () => {
    const s = await unmet();
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => openPromotionRequest(w.db, w.people.admin, { actionTypeId: s.id, kind: "override" }, NOW),
      "justification_too_short",
      422,
    );
    await refusedWithoutEffect(
      w.db,
      s.id,
      () =>
        openPromotionRequest(
          w.db,
          w.people.admin,
          { actionTypeId: s.id, kind: "override", justification: "  because I say so  " },
          NOW,
        ),
      "justification_too_short",
      422,
    );
  });

  it("cannot bypass a freeze", async () => {
    const s = await unmet();
    await setFrozen(w.db, w.people.reviewer1, { actionTypeId: s.id, frozen: true, rationale: RATIONALE }, NOW);
    await refusedWithoutEffect(
      w.db,
      s.id,
      () =>
        openPromotionRequest(
          w.db,
          w.people.admin,
          { actionTypeId: s.id, kind: "override", justification: JUSTIFICATION },
          NOW,
        ),
      "blocked",
      409,
    );
  });

  it("needs reviewers + 1 approvals, the admin cannot review it, and the tier change is marked override", async () => {
    const s = await unmet();
    const t0 = await lastSeq(w.db);
    const req = await openPromotionRequest(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, kind: "override", justification: JUSTIFICATION },
      NOW,
    );
    expect(req.reviewersRequired).toBe(2); // the low bar needs 1 reviewer; an override one more
    const row = await w.db.reviewRequest.findUniqueOrThrow({ where: { id: req.id } });
    expect(row).toMatchObject({
      kind: "override",
      justification: JUSTIFICATION,
      reviewersRequired: 2,
      fromTier: "CRAWL",
      toTier: "WALK",
    });
    const opened = (await auditSince(w.db, t0)).find((e) => e.kind === "request.opened");
    expect(opened?.data).toMatchObject({ kind: "override", justification: JUSTIFICATION, reviewersRequired: 2 });

    await refusedWithoutEffect(
      w.db,
      s.id,
      () => reviewRequest(w.db, w.people.admin, { requestId: req.id, decision: "approve", rationale: RATIONALE }, NOW),
      "self_review",
      403,
    );

    // One approval would be a quorum for a promotion, not for an override.
    const first = await reviewRequest(
      w.db,
      w.people.reviewer1,
      { requestId: req.id, decision: "approve", rationale: RATIONALE },
      NOW,
    );
    expect(first.status).toBe("open");
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("CRAWL");

    // Another admin may review it; that makes two.
    const second = await reviewRequest(
      w.db,
      w.people.admin2,
      { requestId: req.id, decision: "approve", rationale: RATIONALE },
      NOW,
    );
    expect(second.status).toBe("applied");
    const changes = await w.db.tierChange.findMany({ where: { actionTypeId: s.id } });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ cause: "override", requestId: req.id, fromTier: "CRAWL", toTier: "WALK" });
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("WALK");
    expect((await auditSince(w.db, t0)).map((e) => e.kind)).toContain("tier.override");
  });

  it("a single rejection closes an override too", async () => {
    const s = await unmet();
    const req = await openPromotionRequest(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, kind: "override", justification: JUSTIFICATION },
      NOW,
    );
    await reviewRequest(
      w.db,
      w.people.reviewer1,
      { requestId: req.id, decision: "approve", rationale: RATIONALE },
      NOW,
    );
    const res = await reviewRequest(
      w.db,
      w.people.reviewer2,
      { requestId: req.id, decision: "reject", rationale: RATIONALE },
      NOW,
    );
    expect(res.status).toBe("rejected");
    await refused(
      reviewRequest(w.db, w.people.reviewer3, { requestId: req.id, decision: "approve", rationale: RATIONALE }, NOW),
      "not_open",
      409,
    );
    expect(await w.db.tierChange.count({ where: { actionTypeId: s.id } })).toBe(0);
  });
});
