// WALK's contract, adding is a loosening (issue 22 item 5, SPEC §3 rules 3, 4, 6): an admin's addition is
// a request reviewed like every other loosening. It changes nothing until the quorum of reviewers other
// than the requester approve it, each with a rationale; reviews are blind (no review, count or audit
// entry of an open request reaches anyone who has not reviewed it); one rejection closes it. Removing an
// internal subject is a tightening: it applies at once. Both are audited. Real database: PGlite, or
// PostgreSQL with TEST_BACKEND=postgres.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "@/lib/audit/data";
import { firstContradiction } from "@/lib/audit/verify-domain";
import type { ReviewClaim } from "@cwr/gating/audit-crosscheck";
import { agentContract, contractRequestForReader, countContractRequestsAwaiting } from "@/lib/contracts/data";
import { decideContractAddition, removeContractEntry, requestContractAddition } from "@/lib/contracts/mutations";
import { makeActionType } from "../helpers/fixtures";
import { later, newSubject, openWorld, RATIONALE, refused, type Subject, type World } from "./world";

let w: World;
let s: Subject;
beforeAll(async () => {
  w = await openWorld();
  // A medium blast radius: its policy's bars need two reviewers, so a loosening needs two approvals.
  s = await newSubject(w.db, "medium");
  await makeActionType(w.db, s.agent.id, "low");
}, 60_000);
afterAll(async () => {
  await w?.database.close();
});

const entries = async () => (await agentContract(w.db, s.agent.id))?.entries ?? null;
const ask = (entry: string, at: Date) =>
  requestContractAddition(
    w.db,
    w.people.admin,
    { agentId: s.agent.id, entry, reason: "Our own on-call staff accounts." },
    at,
  );
const approve = (who: keyof World["people"], requestId: string, at: Date, rationale = RATIONALE) =>
  decideContractAddition(w.db, w.people[who], { requestId, decision: "approve", rationale }, at);

/** What an auditor reading the log sees about this agent's contract requests. */
async function auditKinds(): Promise<string[]> {
  const { rows } = await listAudit(w.db, {}, { take: 200 });
  return rows.filter((r) => r.agentId === s.agent.id || r.entityType === "contract_request").map((r) => r.kind);
}

describe("adding an internal subject is a loosening, reviewed like one", () => {
  it("changes nothing until its quorum of other reviewers approves with a rationale", async () => {
    expect(await entries()).toBeNull();
    const { requestId } = await ask("staff:*", later(1_000));

    // The requester cannot review their own loosening; a rationale is a rationale.
    await refused(approve("admin", requestId, later(2_000)), "self_review");
    await refused(approve("reviewer1", requestId, later(2_000), "...................."), "rationale_too_short");
    await refused(approve("engineer", requestId, later(2_000)), "forbidden_role");

    await approve("reviewer1", requestId, later(3_000));
    // One approval of two: the contract is unchanged.
    expect(await entries()).toBeNull();
    // One person counts once.
    await refused(approve("reviewer1", requestId, later(3_500)), "already_reviewed");
    expect(await entries()).toBeNull();

    await approve("reviewer2", requestId, later(4_000));
    expect(await entries()).toEqual(["staff:*"]);
    const kinds = await auditKinds();
    expect(kinds).toEqual(expect.arrayContaining(["agent.contract_addition_requested", "agent.contract_entry_added"]));
    expect(kinds.filter((k) => k === "request.review_submitted")).toHaveLength(2);
  });

  it("keeps reviews blind while open: no review, count or audit entry reaches one who has not reviewed", async () => {
    const { requestId } = await ask("ops-bot-7", later(10_000));
    await approve("reviewer1", requestId, later(11_000));

    // It awaits the reviewers whose review would count (the navigation's count), not the requester.
    expect(await countContractRequestsAwaiting(w.db, w.people.reviewer2)).toBe(1);
    expect(await countContractRequestsAwaiting(w.db, w.people.reviewer1)).toBe(0);
    expect(await countContractRequestsAwaiting(w.db, w.people.admin)).toBe(0);
    const unseen = await contractRequestForReader(w.db, w.people.reviewer2, requestId);
    expect(unseen).toMatchObject({ status: "open", reviewersRequired: 2, reviews: [], approvals: null });
    const byRequester = await contractRequestForReader(w.db, w.people.admin, requestId);
    expect(byRequester).toMatchObject({ reviews: [], approvals: null });
    const byAuditor = await contractRequestForReader(w.db, w.people.auditor, requestId);
    expect(byAuditor).toMatchObject({ reviews: [], approvals: null });
    const seen = await contractRequestForReader(w.db, w.people.reviewer1, requestId);
    expect(seen?.reviews).toHaveLength(1);
    // The audit log seals the open request's review entries from every reader.
    const { rows } = await listAudit(w.db, {}, { take: 200 });
    expect(rows.filter((r) => r.kind === "request.review_submitted" && r.entityId === requestId)).toHaveLength(0);

    await approve("admin2", requestId, later(12_000));
    expect(await entries()).toEqual(["ops-bot-7", "staff:*"]);
    const closed = await contractRequestForReader(w.db, w.people.auditor, requestId);
    expect(closed).toMatchObject({ status: "applied", approvals: 2 });
    expect(closed?.reviews).toHaveLength(2);
  });

  it("one rejection closes it and changes nothing", async () => {
    const { requestId } = await ask("*@acme.example", later(20_000));
    await approve("reviewer1", requestId, later(21_000));
    await decideContractAddition(
      w.db,
      w.people.reviewer2,
      { requestId, decision: "reject", rationale: "Customers also use this domain for their accounts." },
      later(22_000),
    );
    await refused(approve("reviewer3", requestId, later(23_000)), "not_open");
    expect(await entries()).toEqual(["ops-bot-7", "staff:*"]);
    expect(await auditKinds()).toContain("agent.contract_addition_rejected");
  });

  it("two final approvals at once add the entry once", async () => {
    const { requestId } = await ask("race-1", later(30_000));
    await approve("reviewer1", requestId, later(31_000));
    const results = await Promise.allSettled([
      approve("reviewer2", requestId, later(32_000)),
      approve("reviewer3", requestId, later(32_000)),
    ]);
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
    expect(await w.db.agentContractEntry.count({ where: { agentId: s.agent.id, entry: "race-1" } })).toBe(1);
  });
});

describe("the audit verifier's cross-check", () => {
  it("finds every contract review entry backed by its review row, and names a forged one", async () => {
    const rows = await w.db.auditEntry.findMany({
      where: { kind: "request.review_submitted", entityType: "contract_request" },
      orderBy: { seq: "asc" },
    });
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const claims: ReviewClaim[] = rows.map((e) => ({
      seq: e.seq.toString(),
      kind: "request.review_submitted",
      actorId: e.actorId,
      actorLabel: e.actorLabel,
      entityId: e.entityId,
      data: e.data,
    }));
    expect(await firstContradiction(w.db, claims)).toBeNull();
    const forged: ReviewClaim = { ...claims[0]!, seq: "999999", actorId: w.people.reviewer3.id, actorLabel: "forger" };
    expect(await firstContradiction(w.db, [...claims, forged])).toMatchObject({ seq: "999999" });
  });
});

describe("removing an internal subject is a tightening", () => {
  it("applies at once, without review, and is audited", async () => {
    await removeContractEntry(w.db, w.people.admin, { agentId: s.agent.id, entry: "race-1" }, later(40_000));
    expect(await entries()).toEqual(["ops-bot-7", "staff:*"]);
    const last = await w.db.auditEntry.findFirst({ where: { entityId: s.agent.id }, orderBy: { seq: "desc" } });
    expect(last).toMatchObject({ kind: "agent.contract_entry_removed", data: { entry: "race-1" } });
  });
});
