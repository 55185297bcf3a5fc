// The demo (issue 22 item 6): support-bot's refund.issue, in CRAWL, has proposals in the seed, some
// decided by the operator (so the queue and its evidence in words are not empty), some waiting.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../helpers/db";
import { seedIfEmpty } from "@/lib/demo/seed";
import { waitingSuggestions } from "@/lib/proposals/data";

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
  await seedIfEmpty(database.prisma);
}, 300_000);
afterAll(() => database?.close());

describe("the demo's suggestions", () => {
  it("has refund.issue proposals decided by the operator and others waiting in the queue", async () => {
    const db = database.prisma;
    const operator = await db.user.findUniqueOrThrow({ where: { email: "operator@demo.local" } });
    const refund = await db.actionType.findFirstOrThrow({
      where: { key: "refund.issue", agent: { slug: "support-bot" } },
    });
    expect(refund.tier).toBe("CRAWL");
    const proposals = await db.proposal.findMany({ where: { actionTypeId: refund.id } });
    const decided = proposals.filter((p) => p.decidedById === operator.id);
    expect(decided.length).toBeGreaterThanOrEqual(2);
    expect(new Set(decided.map((p) => p.status)).size).toBeGreaterThanOrEqual(2);
    const events = await db.outcomeEvent.findMany({
      where: { actionTypeId: refund.id, source: `person:${operator.id}` },
    });
    expect(events).toHaveLength(decided.length);

    const group = (await waitingSuggestions(db)).find((g) => g.agent === "support-bot" && g.action === "refund.issue");
    expect(group?.suggestions.length).toBeGreaterThanOrEqual(1);
    expect(group!.evidence).toMatch(new RegExp(`${decided.length} decided by people`));
    // the seed's own story is kept: refund.issue's promotion request is still open
    expect(await db.reviewRequest.count({ where: { actionTypeId: refund.id, status: "open" } })).toBe(1);
  });
});
