// The audit log (SPEC §2 Audit entry): every state change appends an entry in the same transaction,
// the hash chain verifies, the database refuses UPDATE/DELETE/TRUNCATE, tampering is detected at the
// seq where it happened, and concurrent writers never fork the chain.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db";
import { auditEntryHash } from "@/lib/audit/hash";
import { verifyAuditChain } from "@/lib/audit/data";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { userActor } from "@/lib/auth/actor";
import { createActionType, createAgent } from "@/lib/agents/mutations";
import {
  acceptInvitation,
  changeRole,
  createUser,
  decideRoleGrant,
  recordLogin,
  setUserDisabled,
} from "@/lib/users/mutations";
import { createApiKey, revokeApiKey } from "@/lib/keys/mutations";
import { ingestEvents } from "@/lib/events/mutations";
import { expireRequests, openPromotionRequest, reviewRequest, withdrawRequest } from "@/lib/requests/mutations";
import { editPolicy } from "@/lib/policies/mutations";
import { demoteManually, setFrozen } from "@/lib/action-types/mutations";
import { defaultPolicy } from "@cwr/gating";
import { outcomes } from "../helpers/fixtures";
import {
  DAY,
  NOW,
  RATIONALE,
  auditSince,
  daysAgo,
  eligibleCrawl,
  lastSeq,
  later,
  newSubject,
  openWorld,
  overrideUp,
  refused,
  type World,
} from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => {
  await w?.database.close();
});

/** Runs a mutation and returns the kinds of the audit entries it appended. */
async function kindsOf(run: () => Promise<unknown>): Promise<string[]> {
  const t0 = await lastSeq(w.db);
  await run();
  return (await auditSince(w.db, t0)).map((e) => e.kind);
}

const REASON = "Tighten after the quarterly risk review.";

describe("audit: every state change is recorded", () => {
  it("each mutation appends its entries (and only those), with its actor", async () => {
    const admin = userActor(w.people.admin);
    let userId = "";
    let token = "";
    expect(
      await kindsOf(async () => {
        const created = await createUser(w.db, admin, {
          email: "new.person@test.local",
          name: "New Person",
          role: "viewer",
        });
        userId = created.id;
        token = created.invitation!.token;
      }),
    ).toEqual(["user.created"]);
    // The invitee sets their own password (rule 10) before review power can be granted.
    expect(await kindsOf(() => acceptInvitation(w.db, { token, password: "the-invitee-own-password" }))).toEqual([
      "user.invitation_accepted",
    ]);
    // Review power is granted by a second person (rule 10): the admin's ask, then a reviewer's approval.
    let grantId = "";
    expect(
      await kindsOf(async () => (grantId = (await changeRole(w.db, admin, { userId, role: "reviewer" })).grantId!)),
    ).toEqual(["user.role_grant_requested"]);
    expect(
      await kindsOf(() =>
        decideRoleGrant(w.db, w.people.reviewer1, { grantId, decision: "approve", rationale: RATIONALE }),
      ),
    ).toEqual(["user.role_grant_approved", "user.role_changed"]);
    expect(await kindsOf(() => changeRole(w.db, admin, { userId, role: "reviewer" }))).toEqual([]); // no change, no entry
    expect(await kindsOf(() => recordLogin(w.db, userId, "credentials", NOW))).toEqual(["user.login"]);
    expect(await kindsOf(() => setUserDisabled(w.db, admin, { userId, disabled: true }))).toEqual(["user.disabled"]);

    let agentId = "";
    expect(
      await kindsOf(
        async () =>
          (agentId = (
            await createAgent(
              w.db,
              admin,
              { slug: "audit-bot", name: "Audit bot", owner: "tests", description: "" },
              daysAgo(30),
            )
          ).id),
      ),
    ).toEqual(["agent.created"]);
    let atId = "";
    expect(
      await kindsOf(
        async () =>
          (atId = (
            await createActionType(
              w.db,
              admin,
              { agentId, key: "ticket.tag", name: "Tag", description: "", blastRadius: "medium", reversible: true },
              daysAgo(30),
            )
          ).id),
      ),
    ).toEqual(["action_type.created"]);
    let keyId = "";
    expect(
      await kindsOf(async () => (keyId = (await createApiKey(w.db, admin, { agentId, name: "ci" }, NOW)).id)),
    ).toEqual(["api_key.created"]);
    expect(await kindsOf(() => revokeApiKey(w.db, admin, { keyId }, NOW))).toEqual(["api_key.revoked"]);

    const agent = { id: agentId, slug: "audit-bot" };
    expect(await kindsOf(() => ingestEvents(w.db, agent, outcomes("ticket.tag", "CRAWL", 120, 120, NOW), NOW))).toEqual(
      ["events.ingested"],
    );

    let requestId = "";
    expect(
      await kindsOf(
        async () =>
          (requestId = (
            await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: atId, kind: "promotion" }, NOW)
          ).id),
      ),
    ).toEqual(["request.opened"]);
    expect(
      await kindsOf(() =>
        reviewRequest(w.db, w.people.reviewer1, { requestId, decision: "approve", rationale: RATIONALE }, NOW),
      ),
    ).toEqual(["request.review_submitted", "request.reviewed"]);
    const tighter = defaultPolicy("medium");
    tighter.tiers.WALK.promotion!.minSamples = 400;
    // A tightening re-pins the open request: the new version, the lost approval and the new snapshot are recorded.
    expect(
      await kindsOf(() =>
        editPolicy(w.db, w.people.admin, { actionTypeId: atId, rules: tighter, reason: REASON }, NOW),
      ),
    ).toEqual(["policy.version_created", "request.approvals_invalidated", "request.evidence_changed"]);
    expect(await kindsOf(() => withdrawRequest(w.db, w.people.engineer, { requestId }, NOW))).toEqual([
      "request.withdrawn",
    ]);
    const looser = structuredClone(tighter);
    looser.tiers.WALK.promotion!.minSamples = 150;
    expect(
      await kindsOf(() => editPolicy(w.db, w.people.admin, { actionTypeId: atId, rules: looser, reason: REASON }, NOW)),
    ).toEqual(["request.opened"]);
    expect(
      await kindsOf(() =>
        setFrozen(w.db, w.people.reviewer1, { actionTypeId: atId, frozen: true, rationale: RATIONALE }, NOW),
      ),
    ).toEqual(["tier.freeze"]);
    expect(
      await kindsOf(() =>
        setFrozen(w.db, w.people.reviewer1, { actionTypeId: atId, frozen: false, rationale: RATIONALE }, NOW),
      ),
    ).toEqual(["tier.unfreeze"]);
    // The policy_change request expires after the review period.
    expect(await kindsOf(() => expireRequests(w.db, new Date(NOW.getTime() + 15 * DAY)))).toEqual(["request.expired"]);

    const s = await newSubject(w.db, "low", daysAgo(30));
    await overrideUp(w, s, daysAgo(5));
    expect(
      await kindsOf(() => demoteManually(w.db, w.people.reviewer2, { actionTypeId: s.id, rationale: RATIONALE }, NOW)),
    ).toEqual(["tier.manual_demotion"]);

    const last = await w.db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(last).toMatchObject({
      actorType: "user",
      actorId: w.people.reviewer2.id,
      actionTypeId: s.id,
      entityType: "action_type",
    });
    expect(last.data).toMatchObject({ from: "WALK", to: "CRAWL", rationale: RATIONALE });
  });

  it("the entry is written in the same transaction: when it cannot be written, the change rolls back", async () => {
    const s = await eligibleCrawl(w.db);
    await w.database.asOwner(
      `CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused by test'; END; $$`,
    );
    await w.database.asOwner(
      `CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()`,
    );
    const before = {
      audit: await w.db.auditEntry.count(),
      events: await w.db.outcomeEvent.count(),
      rollups: await w.db.metricRollup.aggregate({ _sum: { successes: true } }),
      users: await w.db.user.count(),
    };
    try {
      await expect(
        setFrozen(w.db, w.people.reviewer1, { actionTypeId: s.id, frozen: true, rationale: RATIONALE }, NOW),
      ).rejects.toThrow();
      await expect(
        openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW),
      ).rejects.toThrow();
      await expect(ingestEvents(w.db, s.agent, outcomes(s.key, "CRAWL", 10, 10, NOW), NOW)).rejects.toThrow();
      await expect(
        createUser(w.db, SYSTEM_ACTOR, { email: "ghost@test.local", name: "Ghost", role: "admin" }),
      ).rejects.toThrow();
    } finally {
      await w.database.asOwner(`DROP TRIGGER test_refuse_audit ON audit_entries`);
    }
    expect(await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
      frozen: false,
      stateVersion: 0,
    });
    expect(await w.db.tierChange.count({ where: { actionTypeId: s.id } })).toBe(0);
    expect(await w.db.reviewRequest.count({ where: { actionTypeId: s.id } })).toBe(0);
    expect({
      audit: await w.db.auditEntry.count(),
      events: await w.db.outcomeEvent.count(),
      rollups: await w.db.metricRollup.aggregate({ _sum: { successes: true } }),
      users: await w.db.user.count(),
    }).toEqual(before);
    // With the audit writable again, the same change goes through.
    await setFrozen(w.db, w.people.reviewer1, { actionTypeId: s.id, frozen: true, rationale: RATIONALE }, NOW);
    expect((await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).frozen).toBe(true);
  });

  it("concurrent mutations append one unforked chain", async () => {
    const a = await eligibleCrawl(w.db);
    const b = await eligibleCrawl(w.db);
    const t0 = await lastSeq(w.db);
    await Promise.all([
      createUser(w.db, SYSTEM_ACTOR, { email: "c1@test.local", name: "C1", role: "viewer" }),
      createUser(w.db, SYSTEM_ACTOR, { email: "c2@test.local", name: "C2", role: "viewer" }),
      createAgent(w.db, SYSTEM_ACTOR, { slug: "conc-1", name: "c", owner: "t", description: "" }),
      setFrozen(w.db, w.people.reviewer1, { actionTypeId: a.id, frozen: true, rationale: RATIONALE }, NOW),
      openPromotionRequest(w.db, w.people.engineer, { actionTypeId: b.id, kind: "promotion" }, NOW),
      ingestEvents(w.db, a.agent, outcomes(a.key, "CRAWL", 5, 5, later(60_000)), later(60_000)),
      ingestEvents(w.db, b.agent, outcomes(b.key, "CRAWL", 5, 5, later(60_000)), later(60_000)),
      recordLogin(w.db, w.people.auditor.id, "credentials", NOW),
    ]);
    const added = await auditSince(w.db, t0);
    expect(added).toHaveLength(8);
    expect(added.map((e) => e.seq)).toEqual(added.map((_, i) => t0 + BigInt(i + 1)));
    const all = await w.db.auditEntry.findMany({ select: { prevHash: true } });
    expect(new Set(all.map((e) => e.prevHash)).size).toBe(all.length); // no two entries share a parent
    expect(await verifyAuditChain(w.db)).toEqual({ ok: true, checked: all.length });
  });
});

describe("audit: the hash chain", () => {
  it("verifies over every entry, a page at a time", async () => {
    const count = await w.db.auditEntry.count();
    expect(count).toBeGreaterThan(40);
    expect(await verifyAuditChain(w.db)).toEqual({ ok: true, checked: count });
    expect(await verifyAuditChain(w.db, { pageSize: 7 })).toEqual({ ok: true, checked: count });
  });

  // On PostgreSQL the app's role lacks the privilege (permission denied); on PGlite (one role) the trigger refuses.
  it("the database refuses UPDATE, DELETE and TRUNCATE on audit entries", async () => {
    const count = await w.db.auditEntry.count();
    const row = await w.db.auditEntry.findFirstOrThrow({ where: { seq: 3n } });
    await expect(w.db.$executeRawUnsafe(`UPDATE audit_entries SET kind = 'forged' WHERE seq = 3`)).rejects.toThrow(
      /append-only|permission denied/,
    );
    await expect(w.db.$executeRawUnsafe(`DELETE FROM audit_entries WHERE seq = 3`)).rejects.toThrow(
      /append-only|permission denied/,
    );
    await expect(w.db.$executeRawUnsafe(`TRUNCATE audit_entries`)).rejects.toThrow(/append-only|permission denied/);
    await expect(
      w.db.auditEntry.update({ where: { seq: 3n }, data: { actorLabel: "someone else" } }),
    ).rejects.toThrow();
    await expect(w.db.auditEntry.deleteMany({})).rejects.toThrow();
    expect(await w.db.auditEntry.count()).toBe(count);
    expect(await w.db.auditEntry.findFirstOrThrow({ where: { seq: 3n } })).toEqual(row);
    expect((await verifyAuditChain(w.db)).ok).toBe(true);
  });

  describe("tampering (with the append-only trigger switched off, as only a table owner can)", () => {
    const bypass = async (_db: Db, sql: string, ...params: unknown[]) => {
      await w.database.asOwner(`ALTER TABLE audit_entries DISABLE TRIGGER ALL`);
      try {
        await w.database.asOwner(sql, params);
      } finally {
        await w.database.asOwner(`ALTER TABLE audit_entries ENABLE TRIGGER ALL`);
      }
    };
    const rowText = async (seq: bigint) =>
      (
        await w.db.$queryRawUnsafe<Array<{ data: string; hash: string }>>(
          `SELECT data::text AS data, hash FROM audit_entries WHERE seq = $1`,
          seq,
        )
      )[0]!;

    it("an edited entry is found at its seq", async () => {
      const seq = 20n;
      const original = await rowText(seq);
      await bypass(w.db, `UPDATE audit_entries SET data = jsonb_set(data, '{tampered}', 'true') WHERE seq = $1`, seq);
      const verdict = await verifyAuditChain(w.db, { pageSize: 6 });
      expect(verdict).toMatchObject({ ok: false, checked: 19, brokenAt: { seq: "20" } });
      if (!verdict.ok) expect(verdict.brokenAt.reason).toMatch(/edited/);
      await bypass(w.db, `UPDATE audit_entries SET data = $1::jsonb WHERE seq = $2`, original.data, seq);
      expect((await verifyAuditChain(w.db)).ok).toBe(true);
    });

    it("an edited entry whose hash was recomputed breaks the link to the next entry", async () => {
      const seq = 25n;
      const original = await rowText(seq);
      const row = await w.db.auditEntry.findFirstOrThrow({ where: { seq } });
      const forgedData = { ...(row.data as object), rationale: "nothing to see here" };
      const forgedHash = auditEntryHash({ ...row, data: forgedData });
      await bypass(
        w.db,
        `UPDATE audit_entries SET data = $1::jsonb, hash = $2 WHERE seq = $3`,
        JSON.stringify(forgedData),
        forgedHash,
        seq,
      );
      expect(await verifyAuditChain(w.db)).toMatchObject({ ok: false, checked: 25, brokenAt: { seq: "26" } });
      await bypass(
        w.db,
        `UPDATE audit_entries SET data = $1::jsonb, hash = $2 WHERE seq = $3`,
        original.data,
        original.hash,
        seq,
      );
      expect((await verifyAuditChain(w.db)).ok).toBe(true);
    });

    it("a deleted entry is found as a gap at its seq", async () => {
      const total = await w.db.auditEntry.count();
      await bypass(w.db, `DELETE FROM audit_entries WHERE seq = 30`);
      const verdict = await verifyAuditChain(w.db);
      expect(verdict).toMatchObject({ ok: false, checked: 29, brokenAt: { seq: "30" } });
      if (!verdict.ok) expect(verdict.brokenAt.reason).toMatch(/missing/);
      expect(await w.db.auditEntry.count()).toBe(total - 1);
    });
  });

  it("a refused mutation appends nothing", async () => {
    const s = await newSubject(w.db);
    const t0 = await lastSeq(w.db);
    await refused(
      setFrozen(w.db, w.people.engineer, { actionTypeId: s.id, frozen: true, rationale: RATIONALE }, NOW),
      "forbidden",
      403,
    );
    await refused(
      openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW),
      "not_eligible",
      409,
    );
    expect(await lastSeq(w.db)).toBe(t0);
  });
});
