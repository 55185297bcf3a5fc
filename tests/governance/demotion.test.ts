// SPEC §3 rule 7: demotion is cheap — a reviewer or admin demotes or freezes at once with a rationale,
// and the system demotes on its own (CUSUM one tier down, an incident of the policy's severity straight
// to CRAWL). After a demotion the time-in-tier clock restarts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoteManually, setFrozen } from "@/lib/action-types/mutations";
import { ingestEvents } from "@/lib/events/mutations";
import { openPromotionRequest } from "@/lib/requests/mutations";
import { sweepDemotions } from "@/lib/action-types/mutations";
import { editPolicy } from "@/lib/policies/mutations";
import { cusumParams, defaultPolicy } from "@cwr/gating";
import {
  NOW,
  auditSince,
  daysAgo,
  feed,
  lastSeq,
  later,
  newSubject,
  openWorld,
  overrideUp,
  refused,
  refusedWithoutEffect,
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

async function inWalk(): Promise<Subject> {
  const s = await newSubject(w.db, "low", daysAgo(30));
  await overrideUp(w, s, daysAgo(10));
  return s;
}

async function inRun(): Promise<Subject> {
  const s = await inWalk();
  await overrideUp(w, s, daysAgo(5));
  expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).tier).toBe("RUN");
  return s;
}

const actionType = (id: string) => w.db.actionType.findUniqueOrThrow({ where: { id } });
const REASON = "Reverted refunds doubled since Tuesday's deploy.";

describe("rule 7: manual demotion and freeze", () => {
  it("a reviewer demotes at once with a rationale; the clock and the evidence restart", async () => {
    const s = await inWalk();
    await feed(w.db, s, "WALK", 10, 10, daysAgo(1));
    const t0 = await lastSeq(w.db);
    const res = await demoteManually(w.db, w.people.reviewer1, { actionTypeId: s.id, rationale: `  ${REASON}  ` }, NOW);
    expect(res).toMatchObject({ from: "WALK", to: "CRAWL" });
    const at = await actionType(s.id);
    expect(at).toMatchObject({
      tier: "CRAWL",
      tierSince: NOW,
      evidenceSince: NOW,
      evidenceTrials: 0,
      evidenceSuccesses: 0,
    });
    const change = await w.db.tierChange.findFirstOrThrow({
      where: { actionTypeId: s.id },
      orderBy: { createdAt: "desc" },
    });
    expect(change).toMatchObject({
      cause: "manual_demotion",
      fromTier: "WALK",
      toTier: "CRAWL",
      actorUserId: w.people.reviewer1.id,
      rationale: REASON,
      requestId: null,
    });
    expect((await auditSince(w.db, t0)).map((e) => e.kind)).toEqual(["tier.manual_demotion"]);

    // The clock restarted: the days-in-tier condition is unmet again.
    const err = await refused(
      openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, later(60_000)),
      "not_eligible",
    );
    expect((err.details as { unmet: Array<{ code: string }> }).unmet.map((u) => u.code)).toContain("days_in_tier");
  });

  it("an admin may demote RUN straight to CRAWL", async () => {
    const s = await inRun();
    const res = await demoteManually(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, toTier: "CRAWL", rationale: REASON },
      NOW,
    );
    expect(res).toMatchObject({ from: "RUN", to: "CRAWL" });
  });

  it("a viewer and an auditor cannot demote; a rationale is required; CRAWL cannot go lower", async () => {
    const s = await inWalk();
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => demoteManually(w.db, w.people.engineer, { actionTypeId: s.id, rationale: REASON }, NOW),
      "forbidden",
      403,
    );
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => demoteManually(w.db, w.people.auditor, { actionTypeId: s.id, rationale: REASON }, NOW),
      "forbidden",
      403,
    );
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => demoteManually(w.db, w.people.reviewer1, { actionTypeId: s.id, rationale: "bad" }, NOW),
      "rationale_too_short",
      422,
    );
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => demoteManually(w.db, w.people.reviewer1, { actionTypeId: s.id, toTier: "RUN", rationale: REASON }, NOW),
      "conflict",
      409,
    );
    const c = await newSubject(w.db);
    await refusedWithoutEffect(
      w.db,
      c.id,
      () => demoteManually(w.db, w.people.reviewer1, { actionTypeId: c.id, rationale: REASON }, NOW),
      "conflict",
      409,
    );
  });

  it("a reviewer freezes and an admin unfreezes, each with a rationale; a viewer cannot", async () => {
    const s = await inWalk();
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => setFrozen(w.db, w.people.engineer, { actionTypeId: s.id, frozen: true, rationale: REASON }, NOW),
      "forbidden",
      403,
    );
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => setFrozen(w.db, w.people.reviewer1, { actionTypeId: s.id, frozen: true, rationale: "" }, NOW),
      "rationale_too_short",
      422,
    );

    await setFrozen(w.db, w.people.reviewer1, { actionTypeId: s.id, frozen: true, rationale: REASON }, NOW);
    expect(await actionType(s.id)).toMatchObject({ tier: "WALK", frozen: true, frozenSince: NOW });
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => setFrozen(w.db, w.people.reviewer2, { actionTypeId: s.id, frozen: true, rationale: REASON }, NOW),
      "conflict",
      409,
    );

    await setFrozen(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, frozen: false, rationale: "Vendor outage is over; resume." },
      later(60_000),
    );
    expect(await actionType(s.id)).toMatchObject({ tier: "WALK", frozen: false, frozenSince: null });
    const causes = (
      await w.db.tierChange.findMany({ where: { actionTypeId: s.id }, orderBy: { createdAt: "asc" } })
    ).map((c) => [c.cause, c.actorUserId]);
    expect(causes.slice(-2)).toEqual([
      ["freeze", w.people.reviewer1.id],
      ["unfreeze", w.people.admin.id],
    ]);
  });
});

describe("rule 7: automatic demotion inside the ingest", () => {
  it("the CUSUM demotes WALK one tier down once the demotion minimum sample is reached; the breached metric is the actor", async () => {
    const s = await inWalk();
    // 20 failures: the CUSUM is far above its alarm level but the window holds 20 < 30 outcomes.
    const first = await feed(w.db, s, "WALK", 20, 0, later(-3_600_000));
    expect(first.demotions).toEqual([]);
    expect((await actionType(s.id)).tier).toBe("WALK");

    const second = await feed(w.db, s, "WALK", 15, 0, NOW);
    expect(second.demotions).toEqual([expect.objectContaining({ actionKey: s.key, from: "WALK", to: "CRAWL" })]);
    const at = await actionType(s.id);
    expect(at).toMatchObject({ tier: "CRAWL", tierSince: NOW, cusum: 0, evidenceTrials: 0 });
    const change = await w.db.tierChange.findFirstOrThrow({
      where: { actionTypeId: s.id },
      orderBy: { createdAt: "desc" },
    });
    expect(change).toMatchObject({
      cause: "automatic_demotion",
      fromTier: "WALK",
      toTier: "CRAWL",
      actorUserId: null,
      requestId: null,
    });
    const breached = change.actorSystem as {
      metric: string;
      statistic: number;
      threshold: number;
      samples: number;
      minSamples: number;
      policyVersion: number;
    };
    expect(breached).toMatchObject({ metric: "cusum", samples: 35, minSamples: 30, policyVersion: 1 });
    expect(breached.statistic).toBeGreaterThanOrEqual(breached.threshold);
    // h from a false-alarm run length of 10^6 at the rate cleared to enter WALK (issue 11), not ln(1/α_demote)
    expect(breached.threshold).toBe(cusumParams(defaultPolicy("low"), "WALK").threshold);
    const entry = await w.db.auditEntry.findFirstOrThrow({
      where: { kind: "tier.automatic_demotion", entityId: s.id },
    });
    expect(entry).toMatchObject({ actorType: "system", actorLabel: "detector:cusum" });
  });

  it("the same outcomes as successes do not demote (control)", async () => {
    const s = await inWalk();
    const res = await feed(w.db, s, "WALK", 60, 60, NOW);
    expect(res.demotions).toEqual([]);
    expect((await actionType(s.id)).tier).toBe("WALK");
  });

  it("a freeze does not shield a regressing action type from demotion", async () => {
    const s = await inWalk();
    await setFrozen(
      w.db,
      w.people.reviewer1,
      { actionTypeId: s.id, frozen: true, rationale: REASON },
      later(-7_200_000),
    );
    const res = await feed(w.db, s, "WALK", 40, 0, NOW);
    expect(res.demotions).toHaveLength(1);
    expect(await actionType(s.id)).toMatchObject({ tier: "CRAWL", frozen: true });
  });

  it("an incident of the policy's severity demotes RUN straight to CRAWL within the ingest; a lesser one does not", async () => {
    const s = await inRun();
    const incident = (key: string, severity: string) => ({
      idempotencyKey: key,
      action: s.key,
      kind: "incident",
      tier: "RUN",
      severity,
      occurredAt: later(-60_000).toISOString(),
      agentVersion: "v1",
    });

    const minor = await ingestEvents(w.db, s.agent, [incident("inc-1", "high")], NOW);
    expect(minor).toMatchObject({ accepted: 1, demotions: [] });
    expect((await actionType(s.id)).tier).toBe("RUN");

    const major = await ingestEvents(w.db, s.agent, [incident("inc-2", "critical")], NOW);
    expect(major.accepted).toBe(1);
    expect(major.demotions).toEqual([expect.objectContaining({ from: "RUN", to: "CRAWL" })]);
    expect(await actionType(s.id)).toMatchObject({ tier: "CRAWL", tierSince: NOW });
    const change = await w.db.tierChange.findFirstOrThrow({
      where: { actionTypeId: s.id },
      orderBy: { createdAt: "desc" },
    });
    expect(change).toMatchObject({ cause: "automatic_demotion", fromTier: "RUN", toTier: "CRAWL" });
    expect(change.actorSystem).toMatchObject({ metric: "incident", statistic: "critical", threshold: "critical" });
  });

  it("an incident demotes even when reported at another tier (a failing-closed SDK reports CRAWL), but not one from before the tier began", async () => {
    const s = await inRun();
    const before = await actionType(s.id);
    const old = {
      idempotencyKey: "inc-old",
      action: s.key,
      kind: "incident",
      tier: "RUN",
      severity: "critical",
      occurredAt: new Date(before.tierSince.getTime() - 60_000).toISOString(),
      agentVersion: "v1",
    };
    expect((await ingestEvents(w.db, s.agent, [old], NOW)).demotions).toEqual([]);
    expect((await actionType(s.id)).tier).toBe("RUN");
    const mislabelled = {
      idempotencyKey: "inc-crawl",
      action: s.key,
      kind: "incident",
      tier: "CRAWL",
      severity: "critical",
      occurredAt: later(-30_000).toISOString(),
      agentVersion: "v1",
    };
    const res = await ingestEvents(w.db, s.agent, [mislabelled], NOW);
    expect(res.demotions).toEqual([expect.objectContaining({ from: "RUN", to: "CRAWL" })]);
  });

  it("the sweep demotes once a tightened policy makes a standing CUSUM alarm count, and leaves quiet action types alone", async () => {
    const s = await inWalk();
    const quiet = await inWalk();
    await feed(w.db, s, "WALK", 20, 2, daysAgo(1)); // a loud alarm, but fewer outcomes than the demotion minimum (30)
    expect((await actionType(s.id)).tier).toBe("WALK");
    expect(await sweepDemotions(w.db, NOW)).toEqual([]);
    const rules = defaultPolicy("low");
    rules.tiers.WALK.demotion!.minSamples = 10; // fewer outcomes before the detector may fire: a tightening
    expect(
      (
        await editPolicy(
          w.db,
          w.people.admin,
          { actionTypeId: s.id, rules, reason: "Demote sooner: reverted refunds are piling up." },
          NOW,
        )
      ).outcome,
    ).toBe("applied");
    const demoted = await sweepDemotions(w.db, later(1_000));
    expect(demoted.map((d) => d.actionKey)).toEqual([s.key]);
    expect((await actionType(s.id)).tier).toBe("CRAWL");
    expect((await actionType(quiet.id)).tier).toBe("WALK");
  });
});
