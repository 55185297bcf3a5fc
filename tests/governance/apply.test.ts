// SPEC §3 rules 4, 8 and 9: quorum applies a promotion exactly once, one rejection closes the request,
// approvals bind to the evidence they judged, applying re-checks the live state, open requests expire.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "@cwr/gating/canonical";
import { defaultPolicy } from "@cwr/gating";
import { applyRequest, expireRequests, openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import { demoteManually, setFrozen } from "@/lib/action-types/mutations";
import { editPolicy } from "@/lib/policies/mutations";
import {
  DAY,
  NOW,
  RATIONALE,
  auditSince,
  eligibleCrawl,
  eligibleWalk,
  feed,
  lastSeq,
  later,
  openWorld,
  refusedWithoutEffect,
  sha256,
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

const approve = (who: keyof World["people"], requestId: string, now = NOW, extra: { snapshotHash?: string } = {}) =>
  reviewRequest(w.db, w.people[who], { requestId, decision: "approve", rationale: RATIONALE, ...extra }, now);

describe("rule 4: quorum applies the promotion, one rejection closes the request", () => {
  it("quorum approves and applies: the tier changes exactly once, with cause promotion and the request id", async () => {
    const s = await eligibleCrawl(w.db, "medium");
    const { id } = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    const t0 = await lastSeq(w.db);

    const first = await approve("reviewer1", id);
    expect(first.status).toBe("open"); // 1 of 2: no quorum, no change
    expect((await stateOf(w.db, s.id)).actionType.tier).toBe("CRAWL");

    const second = await approve("reviewer2", id, later(60_000));
    expect(second).toMatchObject({ status: "applied", applyRefusal: null });
    const at = await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } });
    expect(at.tier).toBe("WALK");
    expect(at.tierSince).toEqual(later(60_000));
    const changes = await w.db.tierChange.findMany({ where: { actionTypeId: s.id } });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ fromTier: "CRAWL", toTier: "WALK", cause: "promotion", requestId: id });
    const req = await w.db.reviewRequest.findUniqueOrThrow({ where: { id } });
    expect(req).toMatchObject({ status: "applied", appliedAt: later(60_000) });

    const kinds = (await auditSince(w.db, t0)).map((e) => e.kind);
    expect(kinds).toEqual([
      "request.review_submitted",
      "request.reviewed",
      "request.review_submitted",
      "request.approved",
      "tier.promotion",
      "request.applied",
    ]);

    // Applying again is refused and changes nothing.
    const again = await applyRequest(w.db, w.people.admin, { requestId: id }, later(120_000));
    expect(again.refusal?.code).toBe("not_approved");
    expect(await w.db.tierChange.count({ where: { actionTypeId: s.id } })).toBe(1);
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("WALK");
  });

  it("one rejection closes the request even after an approval; later reviews and applying are refused", async () => {
    const s = await eligibleCrawl(w.db, "medium");
    const { id } = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    await approve("reviewer1", id);
    const res = await reviewRequest(
      w.db,
      w.people.reviewer2,
      { requestId: id, decision: "reject", rationale: RATIONALE },
      NOW,
    );
    expect(res.status).toBe("rejected");
    const req = await w.db.reviewRequest.findUniqueOrThrow({ where: { id } });
    expect(req.status).toBe("rejected");
    expect(req.decidedAt).toEqual(NOW);

    await refusedWithoutEffect(w.db, s.id, () => approve("reviewer3", id), "not_open", 409);
    const before = await stateOf(w.db, s.id);
    const applied = await applyRequest(w.db, w.people.admin, { requestId: id }, NOW);
    expect(applied.refusal?.code).toBe("not_approved");
    const after = await stateOf(w.db, s.id);
    expect(after.actionType).toEqual(before.actionType);
    expect(after.requests.map((r) => r.status)).toEqual(["rejected"]);
    expect(after.tierChanges).toBe(0);
  });

  it("two approvals racing for the last slot promote exactly once", async () => {
    const s = await eligibleCrawl(w.db, "medium");
    const { id } = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    await approve("reviewer1", id);
    const results = await Promise.allSettled([approve("reviewer2", id), approve("reviewer3", id)]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r) => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect((ok[0] as PromiseFulfilledResult<{ status: string }>).value.status).toBe("applied");
    expect(failed).toHaveLength(1);
    expect(((failed[0] as PromiseRejectedResult).reason as { code: string }).code).toBe("not_open");
    expect(await w.db.tierChange.count({ where: { actionTypeId: s.id } })).toBe(1);
    expect(await w.db.review.count({ where: { requestId: id } })).toBe(2);
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("WALK");
  });
});

describe("rule 8: approvals bind to the snapshot; a change of evidence makes them stale", () => {
  it("a policy tightening while open re-pins the snapshot and the earlier approval stops counting", async () => {
    const s = await eligibleCrawl(w.db, "medium");
    const { id, snapshotHash: h1 } = await openPromotionRequest(
      w.db,
      w.people.engineer,
      { actionTypeId: s.id, kind: "promotion" },
      NOW,
    );
    await approve("reviewer1", id);

    const tighter = defaultPolicy("medium");
    tighter.tiers.WALK.promotion!.threshold = 0.95; // tightens WALK's bar, CRAWL stays eligible
    const edit = await editPolicy(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, rules: tighter, reason: "Raise the WALK bar after the Q2 incident." },
      later(1_000),
    );
    expect(edit.outcome).toBe("applied");

    const req = await w.db.reviewRequest.findUniqueOrThrow({ where: { id }, include: { policy: true } });
    expect(req.snapshotHash).not.toBe(h1);
    expect(sha256(canonicalJson(req.snapshot))).toBe(req.snapshotHash);
    expect(req.policy.version).toBe(2);
    expect((req.snapshot as { policy: { version: number } }).policy.version).toBe(2);

    // A reviewer who judged the old snapshot is refused; reviewer2's approval alone is 1 of 2.
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => approve("reviewer3", id, later(2_000), { snapshotHash: h1 }),
      "stale_snapshot",
      409,
    );
    const r2 = await approve("reviewer2", id, later(2_000));
    expect(r2.status).toBe("open");
    expect(r2.tally).toMatchObject({ approvals: 1, staleApprovals: 1, required: 2 });

    // reviewer1 may judge the new snapshot; now the quorum is met and the promotion applies.
    const r1 = await approve("reviewer1", id, later(3_000), { snapshotHash: req.snapshotHash });
    expect(r1.status).toBe("applied");
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("WALK");
  });

  it("a freeze while open makes approvals stale, and the re-approved request cannot be applied while frozen", async () => {
    const s = await eligibleCrawl(w.db, "medium");
    const { id, snapshotHash: h1 } = await openPromotionRequest(
      w.db,
      w.people.engineer,
      { actionTypeId: s.id, kind: "promotion" },
      NOW,
    );
    await approve("reviewer1", id);
    await setFrozen(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, frozen: true, rationale: "Freeze while the vendor outage lasts." },
      later(1_000),
    );
    const req = await w.db.reviewRequest.findUniqueOrThrow({ where: { id } });
    expect(req.snapshotHash).not.toBe(h1);
    expect((req.snapshot as { actionType: { frozen: boolean } }).actionType.frozen).toBe(true);

    expect((await approve("reviewer2", id, later(2_000))).status).toBe("open");
    const res = await approve("reviewer1", id, later(3_000));
    expect(res.status).toBe("approved");
    expect(res.applyRefusal).toMatch(/frozen/);
    const after = await w.db.reviewRequest.findUniqueOrThrow({ where: { id } });
    expect(after.status).toBe("approved");
    expect(after.statusReason).toMatch(/frozen/);
    expect(await w.db.tierChange.count({ where: { actionTypeId: s.id, cause: "promotion" } })).toBe(0);
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("CRAWL");
  });
});

describe("rule 9: applying re-checks the live state; open requests expire", () => {
  it("an approval after a demotion cannot apply: the request stays approved and says why", async () => {
    const s = await eligibleWalk(w);
    const { id, snapshotHash: h1 } = await openPromotionRequest(
      w.db,
      w.people.engineer,
      { actionTypeId: s.id, kind: "promotion" },
      NOW,
    );
    await demoteManually(
      w.db,
      w.people.reviewer2,
      { actionTypeId: s.id, rationale: "Customer complaints spiked this morning." },
      later(1_000),
    );
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("CRAWL");
    // The demotion re-pinned the open request: a reviewer holding the old snapshot is refused.
    const repinned = await w.db.reviewRequest.findUniqueOrThrow({ where: { id } });
    expect(repinned.snapshotHash).not.toBe(h1);
    expect((repinned.snapshot as { actionType: { tier: string } }).actionType.tier).toBe("CRAWL");
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => approve("reviewer1", id, later(1_500), { snapshotHash: h1 }),
      "stale_snapshot",
      409,
    );

    const t0 = await lastSeq(w.db);
    const res = await approve("reviewer1", id, later(2_000));
    expect(res.status).toBe("approved");
    expect(res.applyRefusal).toMatch(/demoted to CRAWL/);
    const req = await w.db.reviewRequest.findUniqueOrThrow({ where: { id } });
    expect(req).toMatchObject({ status: "approved", appliedAt: null });
    expect(req.statusReason).toMatch(/demoted to CRAWL/);
    expect((await auditSince(w.db, t0)).map((e) => e.kind)).toContain("request.apply_refused");

    // A retry by an admin is refused for the same reason and changes no tier.
    const before = await stateOf(w.db, s.id);
    const retry = await applyRequest(w.db, w.people.admin, { requestId: id }, later(3_000));
    expect(retry.status).toBe("approved");
    expect(retry.refusal?.code).toBe("demoted");
    const after = await stateOf(w.db, s.id);
    expect(after.actionType).toEqual(before.actionType);
    expect(after.tierChanges).toBe(before.tierChanges);
    expect(await w.db.tierChange.count({ where: { actionTypeId: s.id, toTier: "RUN" } })).toBe(0);
  });

  it("a dead approved request does not block a new request once the action type is eligible again", async () => {
    const s = await eligibleWalk(w);
    const { id } = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    await demoteManually(
      w.db,
      w.people.reviewer2,
      { actionTypeId: s.id, rationale: "Customer complaints spiked this morning." },
      later(1_000),
    );
    expect((await approve("reviewer1", id, later(2_000))).status).toBe("approved");

    // Ten days later CRAWL's bar is cleared again: a new request out of CRAWL opens.
    const t = new Date(NOW.getTime() + 10 * DAY);
    await feed(w.db, s, "CRAWL", 60, 60, t);
    const fresh = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, t);
    expect((await w.db.reviewRequest.findUniqueOrThrow({ where: { id: fresh.id } })).fromTier).toBe("CRAWL");
  });

  it("a tightening that leaves the bar unmet re-pins an ineligible snapshot, whose approval cannot promote", async () => {
    const s = await eligibleCrawl(w.db, "low");
    const { id } = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    const tighter = defaultPolicy("low");
    tighter.tiers.CRAWL.promotion!.minSamples = 100; // 60 outcomes no longer suffice
    expect(
      (
        await editPolicy(
          w.db,
          w.people.admin,
          { actionTypeId: s.id, rules: tighter, reason: "We need more CRAWL evidence than that." },
          later(1_000),
        )
      ).outcome,
    ).toBe("applied");
    const snap = (await w.db.reviewRequest.findUniqueOrThrow({ where: { id } })).snapshot as {
      eligibility: { unmet: Array<{ code: string }> };
    };
    expect(snap.eligibility.unmet.map((u) => u.code)).toContain("samples");

    const res = await approve("reviewer1", id, later(2_000));
    expect(res.status).toBe("approved");
    expect(res.applyRefusal).toMatch(/needs 100 outcomes/);
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("CRAWL");
    expect(await w.db.tierChange.count({ where: { actionTypeId: s.id } })).toBe(0);
  });

  it("a new agent version since the snapshot restarts the evidence, so the approval cannot promote it", async () => {
    const s = await eligibleCrawl(w.db, "low");
    const { id } = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    await feed(w.db, s, "CRAWL", 5, 5, later(3_600_000), "v2"); // a new model: 5 outcomes of evidence
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).evidenceTrials).toBe(5);
    const res = await approve("reviewer1", id, later(3_600_000));
    expect(res.status).toBe("approved");
    expect(res.applyRefusal).toMatch(/needs 50 outcomes in CRAWL, has 5/);
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("CRAWL");
  });

  it("open requests expire after the policy's review period, and an expired request takes no review", async () => {
    const s = await eligibleCrawl(w.db, "low");
    const { id, expiresAt } = await openPromotionRequest(
      w.db,
      w.people.engineer,
      { actionTypeId: s.id, kind: "promotion" },
      NOW,
    );
    const end = new Date(expiresAt);
    expect(end.getTime() - NOW.getTime()).toBe(14 * DAY);

    expect(await expireRequests(w.db, new Date(end.getTime() - 1))).toBe(0);
    expect((await w.db.reviewRequest.findUniqueOrThrow({ where: { id } })).status).toBe("open");

    // Past the period but before the sweep ran: reviews are already refused.
    await refusedWithoutEffect(w.db, s.id, () => approve("reviewer1", id, end), "expired", 409);

    const t0 = await lastSeq(w.db);
    expect(await expireRequests(w.db, end)).toBeGreaterThanOrEqual(1);
    const req = await w.db.reviewRequest.findUniqueOrThrow({ where: { id } });
    expect(req).toMatchObject({ status: "expired", decidedAt: end });
    expect((await auditSince(w.db, t0)).some((e) => e.kind === "request.expired" && e.entityId === id)).toBe(true);
    await refusedWithoutEffect(w.db, s.id, () => approve("reviewer1", id, end), "not_open", 409);
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("CRAWL");

    // An expired request does not block a new one.
    await feed(w.db, s, "CRAWL", 1, 1, end);
    const again = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, end);
    expect(again.id).not.toBe(id);
  });
});
