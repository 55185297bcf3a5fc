// SPEC §3 rule 6: tightening a bar takes effect at once; loosening one is a request that needs review.
// Both are audited; only admins change policies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "@cwr/gating";
import type { PolicyRules } from "@cwr/gating/types";
import { editPolicy } from "@/lib/policies/mutations";
import { currentPolicy, policyHistory } from "@/lib/policies/data";
import { applyRequest, reviewRequest } from "@/lib/requests/mutations";
import {
  NOW,
  RATIONALE,
  auditSince,
  lastSeq,
  later,
  newSubject,
  openWorld,
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

const REASON = "Align the bar with the Q3 risk review outcome.";
const edit = (
  rules: PolicyRules,
  who: keyof World["people"] = "admin",
  actionTypeId: string,
  now = NOW,
  reason = REASON,
) => editPolicy(w.db, w.people[who], { actionTypeId, rules, reason }, now);

function with_(mutate: (r: PolicyRules) => void, base: PolicyRules = defaultPolicy("low")): PolicyRules {
  const r = structuredClone(base);
  mutate(r);
  return r;
}

describe("rule 6: policy edits", () => {
  it("a non-admin is refused (403) and nothing changes", async () => {
    const s = await newSubject(w.db);
    const tighter = with_((r) => (r.tiers.CRAWL.promotion!.threshold = 0.9));
    for (const who of ["engineer", "reviewer1", "auditor"] as const) {
      await refusedWithoutEffect(w.db, s.id, () => edit(tighter, who, s.id), "forbidden", 403);
    }
  });

  it("a policy edit needs a reason of at least 20 characters", async () => {
    const s = await newSubject(w.db);
    await refusedWithoutEffect(
      w.db,
      s.id,
      () =>
        edit(
          with_((r) => (r.tiers.CRAWL.promotion!.threshold = 0.9)),
          "admin",
          s.id,
          NOW,
          "tighter",
        ),
      "rationale_too_short",
      422,
    );
  });

  it("an invalid policy (no hysteresis) is refused with 422 and nothing changes", async () => {
    const s = await newSubject(w.db);
    const err = await refusedWithoutEffect(
      w.db,
      s.id,
      () =>
        edit(
          with_((r) => (r.tiers.CRAWL.promotion!.threshold = 0.7)),
          "admin",
          s.id,
        ),
      "validation_failed",
      422,
    );
    expect(err.message).toMatch(/hysteresis/);
  });

  it("tightening creates a new immutable version at once, audited", async () => {
    const s = await newSubject(w.db);
    const v1 = await currentPolicy(w.db, s.id);
    const t0 = await lastSeq(w.db);
    const tighter = with_((r) => {
      r.tiers.CRAWL.promotion!.threshold = 0.9;
      r.tiers.WALK.promotion!.reviewers = 2;
    });
    const res = await edit(tighter, "admin", s.id);
    expect(res).toMatchObject({ outcome: "applied", version: 2 });
    const current = await currentPolicy(w.db, s.id);
    expect(current.version).toBe(2);
    expect(current.rules).toEqual(tighter);
    // The old version is still there, unchanged.
    const history = await policyHistory(w.db, s.id);
    expect(history.map((p) => p.version)).toEqual([2, 1]);
    expect(history[1]!.rules).toEqual(v1.rules);
    const entries = await auditSince(w.db, t0);
    expect(entries.map((e) => e.kind)).toEqual(["policy.version_created"]);
    expect(entries[0]!).toMatchObject({ actorId: w.people.admin.id, actionTypeId: s.id });
    expect(await w.db.reviewRequest.count({ where: { actionTypeId: s.id } })).toBe(0);
  });

  it("loosening opens a policy_change request and changes nothing until it is approved; the approval creates the version", async () => {
    const s = await newSubject(w.db);
    const before = await currentPolicy(w.db, s.id);
    const looser = with_((r) => (r.tiers.CRAWL.promotion!.minSamples = 30));
    const t0 = await lastSeq(w.db);
    const res = await edit(looser, "admin", s.id);
    expect(res.outcome).toBe("review");
    if (res.outcome !== "review") throw new Error("unreachable");
    expect(res.changes).toEqual([{ path: "tiers.CRAWL.promotion.minSamples", from: 50, to: 30, direction: "loosen" }]);

    // Not in force: same version, same rules.
    expect(await currentPolicy(w.db, s.id)).toEqual(before);
    const req = await w.db.reviewRequest.findUniqueOrThrow({ where: { id: res.requestId }, include: { policy: true } });
    expect(req).toMatchObject({
      kind: "policy_change",
      status: "open",
      requesterId: w.people.admin.id,
      fromTier: null,
      toTier: null,
    });
    expect(req.policy.version).toBe(1);
    expect(req.proposedRules).toEqual(looser);
    expect((await auditSince(w.db, t0)).map((e) => e.kind)).toEqual(["request.opened"]);

    // The admin cannot approve their own loosening, and applying it before review is refused.
    await refusedWithoutEffect(
      w.db,
      s.id,
      () =>
        reviewRequest(
          w.db,
          w.people.admin,
          { requestId: res.requestId, decision: "approve", rationale: RATIONALE },
          NOW,
        ),
      "self_review",
      403,
    );
    const skip = await applyRequest(w.db, w.people.admin, { requestId: res.requestId }, NOW);
    expect(skip.refusal?.code).toBe("not_approved");
    expect((await currentPolicy(w.db, s.id)).version).toBe(1);

    const t1 = await lastSeq(w.db);
    const approved = await reviewRequest(
      w.db,
      w.people.reviewer1,
      { requestId: res.requestId, decision: "approve", rationale: RATIONALE },
      later(60_000),
    );
    expect(approved.status).toBe("applied");
    const after = await currentPolicy(w.db, s.id);
    expect(after.version).toBe(2);
    expect(after.rules).toEqual(looser);
    expect(after.reason).toContain(res.requestId);
    expect((await auditSince(w.db, t1)).map((e) => e.kind)).toContain("policy.version_created");
  });

  it("a rejected loosening never changes the policy", async () => {
    const s = await newSubject(w.db);
    const res = await edit(
      with_((r) => (r.tiers.CRAWL.promotion!.threshold = 0.75)),
      "admin",
      s.id,
    );
    if (res.outcome !== "review") throw new Error("expected a review");
    const r = await reviewRequest(
      w.db,
      w.people.reviewer1,
      { requestId: res.requestId, decision: "reject", rationale: RATIONALE },
      NOW,
    );
    expect(r.status).toBe("rejected");
    expect((await currentPolicy(w.db, s.id)).version).toBe(1);
    expect((await stateOf(w.db, s.id)).policyVersions).toBe(1);
  });

  it("a mixed edit (one field tighter, one looser) is a loosening and goes through review", async () => {
    const s = await newSubject(w.db);
    const res = await edit(
      with_((r) => {
        r.tiers.CRAWL.promotion!.threshold = 0.9; // tighter
        r.tiers.WALK.promotion!.minDaysInTier = 2; // looser
      }),
      "admin",
      s.id,
    );
    expect(res.outcome).toBe("review");
    expect((await currentPolicy(w.db, s.id)).version).toBe(1);
  });

  it("fewer reviewers is a loosening", async () => {
    const s = await newSubject(w.db, "medium");
    const res = await edit(
      with_((r) => (r.tiers.CRAWL.promotion!.reviewers = 1), defaultPolicy("medium")),
      "admin",
      s.id,
    );
    expect(res.outcome).toBe("review");
    if (res.outcome !== "review") throw new Error("unreachable");
    expect(res.reviewersRequired).toBe(2);
  });

  it("a loosening pending when another version is written is closed as superseded, never applied over it", async () => {
    const s = await newSubject(w.db);
    const res = await edit(
      with_((r) => (r.tiers.CRAWL.promotion!.minSamples = 30)),
      "admin",
      s.id,
    );
    if (res.outcome !== "review") throw new Error("expected a review");
    // Meanwhile a tightening lands as version 2.
    expect(
      (
        await edit(
          with_((r) => (r.tiers.WALK.promotion!.threshold = 0.9)),
          "admin",
          s.id,
        )
      ).outcome,
    ).toBe("applied");
    const closed = await w.db.reviewRequest.findUniqueOrThrow({ where: { id: res.requestId } });
    expect(closed.status).toBe("withdrawn");
    expect(closed.statusReason).toMatch(/superseded: the policy is now version 2/);
    await expect(
      reviewRequest(
        w.db,
        w.people.reviewer1,
        { requestId: res.requestId, decision: "approve", rationale: RATIONALE },
        later(1_000),
      ),
    ).rejects.toMatchObject({ code: "not_open" });
    const current = await currentPolicy(w.db, s.id);
    expect(current.version).toBe(2);
    expect(current.rules.tiers.CRAWL.promotion!.minSamples).toBe(50);
  });
});
