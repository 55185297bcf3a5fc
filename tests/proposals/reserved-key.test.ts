// Attack (issue 22): the agent reports its own event under the key a decision will use,
// `proposal:<id>`, before a person decides, and so blocks the decision (its one outcome event
// cannot be stored). Reported events may not use the `proposal:` prefix; the decision then succeeds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../helpers/db";
import { makeActionType, makeAgent, makeUser } from "../helpers/fixtures";
import type { UserPrincipal } from "@/lib/auth/actor";
import { ingestEvents } from "@/lib/events/mutations";
import { createProposal, decideSuggestion } from "@/lib/proposals/mutations";

let database: TestDatabase;
let agent: { id: string; slug: string };
let action: string;
let admin: UserPrincipal;

beforeAll(async () => {
  database = await testDatabase();
  agent = await makeAgent(database.prisma);
  action = (await makeActionType(database.prisma, agent.id)).key;
  admin = await makeUser(database.prisma, "admin");
}, 60_000);
afterAll(() => database?.close());

const propose = (key: string) =>
  createProposal(database.prisma, agent, {
    idempotencyKey: key,
    action,
    audience: "external",
    subject: "customer:7",
    summary: "Refund order A-7",
    parameters: { amount: 10 },
  });

describe("the proposal's own event key", () => {
  it.each(["agent", "reporter:some-key"])(
    "is refused on an event reported with source %s, and the decision still records its outcome",
    async (source) => {
      const { proposal } = await propose(`reserved-${source}`);
      const squatter = {
        idempotencyKey: `proposal:${proposal.id}`,
        action,
        kind: "suggestion.rejected",
        tier: "CRAWL",
        occurredAt: new Date().toISOString(),
      };
      const summary = await ingestEvents(database.prisma, { ...agent, source }, [squatter]);
      expect(summary.results[0]).toMatchObject({ status: "rejected", reason: "invalid" });
      const decided = await decideSuggestion(database.prisma, admin, proposal.id, { type: "accept" });
      expect(decided.status).toBe("accepted");
      const events = await database.prisma.outcomeEvent.findMany({
        where: { agentId: agent.id, idempotencyKey: `proposal:${proposal.id}` },
      });
      expect(events.map((e) => e.source)).toEqual([`person:${admin.id}`]);
    },
  );

  it("is refused whatever its case", async () => {
    const summary = await ingestEvents(database.prisma, agent, [
      {
        idempotencyKey: "PROPOSAL:x",
        action,
        kind: "action.completed",
        tier: "CRAWL",
        occurredAt: new Date().toISOString(),
      },
    ]);
    expect(summary.results[0]).toMatchObject({ status: "rejected" });
  });
});
