// The demo shows evidence by source (issue 22 item 4): support-bot's helpdesk holds a reporter key
// that reports ticket.reply's outcomes, and ticket.reply's WALK counts only attested outcomes, while
// the other action types keep the default (any) and their agent-reported outcomes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedIfEmpty } from "@/lib/demo/seed";
import { actionTypeDetail } from "@/lib/action-types/detail";
import { currentPolicy } from "@/lib/policies/data";
import { testDatabase } from "../helpers/db";
import type { Database } from "@/lib/db/client";

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
  await seedIfEmpty(database.prisma);
}, 300_000);
afterAll(async () => database?.close());

async function actionType(agent: string, key: string) {
  return database.prisma.actionType.findFirstOrThrow({ where: { key, agent: { slug: agent } }, select: { id: true } });
}

describe("the demo's evidence by source", () => {
  it("support-bot's helpdesk reports ticket.reply with a reporter key, and WALK is attested", async () => {
    const db = database.prisma;
    const helpdesk = await db.apiKey.findFirstOrThrow({
      where: { name: "helpdesk", scope: "reporter", agent: { slug: "support-bot" } },
      select: { id: true },
    });
    const reply = await actionType("support-bot", "ticket.reply");
    const sources = await db.outcomeEvent.groupBy({ by: ["source"], where: { actionTypeId: reply.id }, _count: true });
    expect(sources.map((s) => s.source)).toEqual([`reporter:${helpdesk.id}`]);
    expect((await currentPolicy(db, reply.id)).rules.tiers.WALK.evidence).toBe("attested");

    const detail = (await actionTypeDetail(db, reply.id))!;
    expect(detail.live.actionType.tier).toBe("WALK");
    expect(detail.evidenceBySource.words).toMatch(
      /^[\d,]+ outcomes: [\d,]+ reported by helpdesk, 0 decided by people, 0 self-reported$/,
    );
    expect(detail.evidenceBySource.attested).toBe(
      "Only outcomes reported by helpdesk or decided by people count for promotion out of WALK.",
    );
  });

  it("the other action types keep every source counting and their agent-reported outcomes", async () => {
    const tag = await actionType("support-bot", "ticket.tag");
    expect((await currentPolicy(database.prisma, tag.id)).rules.tiers.WALK.evidence ?? "any").toBe("any");
    const detail = (await actionTypeDetail(database.prisma, tag.id))!;
    expect(detail.evidenceBySource.attested).toBeNull();
    expect(detail.evidenceBySource.words).toMatch(
      /0 reported by helpdesk, 0 decided by people, [1-9][\d,]* self-reported$/,
    );
  });
});
