// Proposals and single-use execution grants on the real database (PGlite, or PostgreSQL with
// TEST_BACKEND=postgres): a person's decision is recorded once as the CRAWL outcome, and an accepted
// proposal grants one execution of exactly the accepted parameters before it expires (SPEC §8).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../helpers/db";
import { makeActionType, makeAgent, makeUser } from "../helpers/fixtures";
import type { UserPrincipal } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { consumeProposal, createProposal, decideSuggestion } from "@/lib/proposals/mutations";
import { proposalOfAgent } from "@/lib/proposals/data";
import { proposalDigest } from "@/lib/proposals/digest";

let database: TestDatabase;
let agent: { id: string; slug: string };
let other: { id: string; slug: string };
let action: string;
let admin: UserPrincipal;
let n = 0;

const HOUR = 3_600_000;
const REASON = "The order was already refunded by the payments team.";

beforeAll(async () => {
  database = await testDatabase();
  const db = database.prisma;
  agent = await makeAgent(db);
  other = await makeAgent(db);
  action = (await makeActionType(db, agent.id)).key;
  await makeActionType(db, other.id, "low", new Date(), action);
  admin = await makeUser(db, "admin");
}, 60_000);
afterAll(() => database?.close());

const input = (o: Record<string, unknown> = {}) => ({
  idempotencyKey: `p-${++n}`,
  action,
  audience: "external" as const,
  subject: "customer:42",
  summary: "Refund order A-1001 (damaged parcel)",
  parameters: { order: "A-1001", amount: 12.5, currency: "EUR" },
  ...o,
});

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
  throw new Error("expected a refusal");
}

const outcomesOf = (proposalId: string) =>
  database.prisma.outcomeEvent.findMany({
    where: { agentId: agent.id, metadata: { path: ["proposalId"], equals: proposalId } },
  });

describe("creating a proposal", () => {
  it("stores it pending with its digest and the policy's expiry (24 h by default)", async () => {
    const now = new Date();
    const { proposal, created } = await createProposal(database.prisma, agent, input(), now);
    expect(created).toBe(true);
    expect(proposal.status).toBe("pending");
    expect(proposal.digest).toBe(
      proposalDigest({
        agent: agent.slug,
        action,
        audience: "external",
        subject: "customer:42",
        parameters: { order: "A-1001", amount: 12.5, currency: "EUR" },
      }),
    );
    expect(Date.parse(proposal.expiresAt) - now.getTime()).toBe(24 * HOUR);
  });

  it("answers a retried idempotency key with the same proposal, and refuses the key for another one", async () => {
    const body = input();
    const first = await createProposal(database.prisma, agent, body);
    const again = await createProposal(database.prisma, agent, body);
    expect(again.created).toBe(false);
    expect(again.proposal.id).toBe(first.proposal.id);
    expect(await refusal(createProposal(database.prisma, agent, { ...body, subject: "customer:43" }))).toBe("conflict");
  });

  it("makes one proposal of ten concurrent retries of one key", async () => {
    const body = input();
    const answers = await Promise.all(Array.from({ length: 10 }, () => createProposal(database.prisma, agent, body)));
    expect(new Set(answers.map((a) => a.proposal.id)).size).toBe(1);
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    expect(
      await database.prisma.proposal.count({ where: { agentId: agent.id, idempotencyKey: body.idempotencyKey } }),
    ).toBe(1);
  });

  it("refuses an unknown action", async () => {
    expect(await refusal(createProposal(database.prisma, agent, input({ action: "nope.never" })))).toBe(
      "validation_failed",
    );
  });
});

describe("deciding", () => {
  it("records exactly one CRAWL outcome, attributed to the person, under concurrent double decisions", async () => {
    const { proposal } = await createProposal(database.prisma, agent, input());
    const results = await Promise.allSettled([
      decideSuggestion(database.prisma, admin, proposal.id, { type: "accept" }),
      decideSuggestion(database.prisma, admin, proposal.id, { type: "accept" }),
      decideSuggestion(database.prisma, admin, proposal.id, { type: "reject", reason: REASON }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).code).toBe("already_decided");
    const events = await outcomesOf(proposal.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.tier).toBe("CRAWL");
    expect(events[0]!.metadata).toMatchObject({ decidedBy: { type: "user", id: admin.id } });
    const audit = await database.prisma.auditEntry.findMany({
      where: { entityType: "proposal", entityId: proposal.id },
      orderBy: { seq: "asc" },
    });
    expect(audit.map((a) => a.kind)).toHaveLength(2);
    expect(audit[1]!.actorId).toBe(admin.id);
  });

  it("an edit records suggestion.edited with the new digest; the evidence fold counts it", async () => {
    const before = await crawlTrials();
    const { proposal } = await createProposal(database.prisma, agent, input());
    const edited = await decideSuggestion(database.prisma, admin, proposal.id, {
      type: "edit",
      parameters: { order: "A-1001", amount: 10, currency: "EUR" },
    });
    expect(edited.status).toBe("edited");
    expect(edited.decision?.digest).toBe(
      proposalDigest({ ...proposal, agent: agent.slug, parameters: { order: "A-1001", amount: 10, currency: "EUR" } }),
    );
    expect(edited.decision?.digest).not.toBe(proposal.digest);
    const events = await outcomesOf(proposal.id);
    expect(events.map((e) => e.kind)).toEqual(["suggestion_edited"]);
    expect(await crawlTrials()).toBe(before + 1);
  });

  it("a reject needs a reason in words", async () => {
    const { proposal } = await createProposal(database.prisma, agent, input());
    expect(await refusal(decideSuggestion(database.prisma, admin, proposal.id, { type: "reject", reason: "no" }))).toBe(
      "rationale_too_short",
    );
    expect(await outcomesOf(proposal.id)).toHaveLength(0);
  });
});

async function crawlTrials(): Promise<number> {
  const rows = await database.prisma.metricRollup.findMany({
    where: { actionType: { agentId: agent.id, key: action }, tier: "CRAWL" },
  });
  return rows.reduce((s, r) => s + r.successes + r.failures, 0);
}

describe("the single-use grant", () => {
  it("is consumed once under 20 concurrent attempts", async () => {
    const { proposal } = await createProposal(database.prisma, agent, input());
    await decideSuggestion(database.prisma, admin, proposal.id, { type: "accept" });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => consumeProposal(database.prisma, agent, proposal.id, proposal.digest)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).code).toBe("grant_used");
    const audit = await database.prisma.auditEntry.findMany({
      where: { entityType: "proposal", entityId: proposal.id },
      orderBy: { seq: "asc" },
    });
    expect(audit.map((a) => a.kind)).toEqual(["proposal.created", "suggestion.accepted", "proposal.consumed"]);
  });

  it("refuses the original digest after an edit, and takes the edited one", async () => {
    const { proposal } = await createProposal(database.prisma, agent, input());
    const edited = await decideSuggestion(database.prisma, admin, proposal.id, {
      type: "edit",
      parameters: { order: "A-1001", amount: 5, currency: "EUR" },
    });
    expect(await refusal(consumeProposal(database.prisma, agent, proposal.id, proposal.digest))).toBe(
      "digest_mismatch",
    );
    const consumed = await consumeProposal(database.prisma, agent, proposal.id, edited.decision!.digest!);
    expect(consumed.consumedAt).not.toBeNull();
  });

  it("refuses an expired grant, a rejected proposal and a pending one", async () => {
    const past = new Date(Date.now() - 25 * HOUR);
    const old = (await createProposal(database.prisma, agent, input(), past)).proposal;
    await decideSuggestion(database.prisma, admin, old.id, { type: "accept" }, new Date(past.getTime() + HOUR));
    expect(await refusal(consumeProposal(database.prisma, agent, old.id, old.digest))).toBe("proposal_expired");

    const rejected = (await createProposal(database.prisma, agent, input())).proposal;
    await decideSuggestion(database.prisma, admin, rejected.id, { type: "reject", reason: REASON });
    expect(await refusal(consumeProposal(database.prisma, agent, rejected.id, rejected.digest))).toBe("not_granted");

    const pending = (await createProposal(database.prisma, agent, input())).proposal;
    expect(await refusal(consumeProposal(database.prisma, agent, pending.id, pending.digest))).toBe("not_granted");
    expect(await refusal(decideSuggestion(database.prisma, admin, old.id, { type: "reject", reason: REASON }))).toBe(
      "already_decided",
    );
    const stale = (await createProposal(database.prisma, agent, input(), past)).proposal;
    expect((await proposalOfAgent(database.prisma, agent.id, stale.id))?.status).toBe("expired");
    expect(await refusal(decideSuggestion(database.prisma, admin, stale.id, { type: "accept" }))).toBe(
      "proposal_expired",
    );
  });

  it("belongs to its agent only", async () => {
    const { proposal } = await createProposal(database.prisma, agent, input());
    await decideSuggestion(database.prisma, admin, proposal.id, { type: "accept" });
    expect(await proposalOfAgent(database.prisma, other.id, proposal.id)).toBeNull();
    expect(await refusal(consumeProposal(database.prisma, other, proposal.id, proposal.digest))).toBe("not_found");
    expect((await proposalOfAgent(database.prisma, agent.id, proposal.id))?.status).toBe("accepted");
  });
});
