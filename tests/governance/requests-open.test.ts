// SPEC §3 rules 1 and 2: a promotion request opens only when every condition holds, lists every unmet
// condition when it does not, and pins the policy version and the evidence with their SHA-256.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "@cwr/gating/canonical";
import { openPromotionRequest } from "@/lib/requests/mutations";
import { setFrozen } from "@/lib/action-types/mutations";
import { liveEvidence } from "@/lib/metrics/data";
import { currentPolicy } from "@/lib/policies/data";
import {
  DAY,
  NOW,
  RATIONALE,
  daysAgo,
  eligibleCrawl,
  feed,
  lastAudit,
  newSubject,
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

const unmetCodes = (err: { details?: unknown }) =>
  ((err.details as { unmet: Array<{ code: string }> }).unmet ?? []).map((u) => u.code).sort();

describe("rule 1: no promotion request without the bar, the samples and the time in tier", () => {
  it("refuses when the bar is not cleared (60 outcomes at 50%), naming only that condition", async () => {
    const s = await newSubject(w.db, "low", daysAgo(30));
    await feed(w.db, s, "CRAWL", 60, 30);
    const err = await refusedWithoutEffect(
      w.db,
      s.id,
      () => openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW),
      "not_eligible",
      409,
    );
    expect(unmetCodes(err)).toEqual(["bar_not_cleared"]);
    expect(err.message).toMatch(/bar not cleared/);
  });

  it("refuses when samples are short (25/25 clears the e-process but the policy wants 50)", async () => {
    const s = await newSubject(w.db, "low", daysAgo(30));
    await feed(w.db, s, "CRAWL", 25, 25);
    const err = await refusedWithoutEffect(
      w.db,
      s.id,
      () => openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW),
      "not_eligible",
      409,
    );
    expect(unmetCodes(err)).toEqual(["samples"]);
    const samples = (err.details as { unmet: Array<{ code: string; required: number; actual: number }> }).unmet[0]!;
    expect(samples).toMatchObject({ required: 50, actual: 25 });
  });

  it("refuses when the minimum days in tier have not elapsed (1 of 3 days)", async () => {
    const s = await newSubject(w.db, "low", daysAgo(1));
    await feed(w.db, s, "CRAWL", 60, 60);
    const err = await refusedWithoutEffect(
      w.db,
      s.id,
      () => openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW),
      "not_eligible",
      409,
    );
    expect(unmetCodes(err)).toEqual(["days_in_tier"]);
  });

  it("lists every unmet condition at once (bar, samples and days)", async () => {
    const s = await newSubject(w.db, "low", daysAgo(1));
    await feed(w.db, s, "CRAWL", 10, 5);
    const err = await refusedWithoutEffect(
      w.db,
      s.id,
      () => openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW),
      "not_eligible",
      409,
    );
    expect(unmetCodes(err)).toEqual(["bar_not_cleared", "days_in_tier", "samples"]);
  });

  it("refuses while the action type is frozen, although the bar is cleared", async () => {
    const s = await eligibleCrawl(w.db);
    await setFrozen(w.db, w.people.reviewer1, { actionTypeId: s.id, frozen: true, rationale: RATIONALE }, NOW);
    const err = await refusedWithoutEffect(
      w.db,
      s.id,
      () => openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW),
      "not_eligible",
      409,
    );
    expect(unmetCodes(err)).toEqual(["frozen"]);
  });

  it("refuses a second request while one is open", async () => {
    const s = await eligibleCrawl(w.db);
    await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    const err = await refusedWithoutEffect(
      w.db,
      s.id,
      () => openPromotionRequest(w.db, w.people.reviewer1, { actionTypeId: s.id, kind: "promotion" }, NOW),
      "not_eligible",
      409,
    );
    expect(unmetCodes(err)).toEqual(["open_request"]);
  });

  it("opens when every condition holds: open, one step up, quorum and expiry from the policy, audited", async () => {
    const s = await eligibleCrawl(w.db);
    const before = await stateOf(w.db, s.id);
    const res = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    expect(res.reviewersRequired).toBe(1);
    expect(res.expiresAt).toBe(new Date(NOW.getTime() + 14 * DAY).toISOString());
    const row = await w.db.reviewRequest.findUniqueOrThrow({ where: { id: res.id } });
    expect(row).toMatchObject({
      kind: "promotion",
      status: "open",
      fromTier: "CRAWL",
      toTier: "WALK",
      requesterId: w.people.engineer.id,
    });
    const after = await stateOf(w.db, s.id);
    expect(after.actionType).toEqual(before.actionType); // opening changes no tier
    expect(after.audit).toBe(before.audit + 1);
    expect(await lastAudit(w.db)).toMatchObject({
      kind: "request.opened",
      entityId: res.id,
      actorId: w.people.engineer.id,
    });
  });
});

describe("rule 2: the request pins the policy version and the evidence, with their SHA-256", () => {
  it("stores the snapshot whose canonical JSON hashes to the stored SHA-256, with the policy version of the time", async () => {
    const s = await eligibleCrawl(w.db);
    const policy = await currentPolicy(w.db, s.id);
    const res = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    const row = await w.db.reviewRequest.findUniqueOrThrow({ where: { id: res.id } });

    expect(row.snapshotHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.snapshotHash).toBe(res.snapshotHash);
    expect(sha256(canonicalJson(row.snapshot))).toBe(row.snapshotHash);
    expect(row.policyId).toBe(policy.id);

    const snap = row.snapshot as {
      policy: { id: string; version: number; rules: unknown };
      evidence: { successes: number; trials: number };
      eligibility: { eligible: boolean };
      actionType: { tier: string; stateVersion: number };
      takenAt: string;
    };
    expect(snap.policy).toEqual({ id: policy.id, version: 1, rules: policy.rules });
    expect(snap.evidence).toMatchObject({ successes: 60, trials: 60 });
    expect(snap.eligibility.eligible).toBe(true);
    expect(snap.actionType.tier).toBe("CRAWL");
    expect(snap.takenAt).toBe(NOW.toISOString());
  });

  it("keeps the pinned snapshot while live metrics move on (reviewers see both)", async () => {
    const s = await eligibleCrawl(w.db);
    const res = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    const pinned = await w.db.reviewRequest.findUniqueOrThrow({
      where: { id: res.id },
      select: { snapshot: true, snapshotHash: true },
    });

    await feed(w.db, s, "CRAWL", 20, 0, new Date(NOW.getTime() + 2 * 3_600_000));
    const live = await liveEvidence(w.db, s.id, new Date(NOW.getTime() + 2 * 3_600_000));
    expect(live.evidence.trials).toBe(80);

    const still = await w.db.reviewRequest.findUniqueOrThrow({
      where: { id: res.id },
      select: { snapshot: true, snapshotHash: true },
    });
    expect(still).toEqual(pinned);
    expect((still.snapshot as { evidence: { trials: number } }).evidence.trials).toBe(60);
  });
});
