// A believable demo: the live agent reports at the volume of its seeded history. Measured against
// the seeded database itself: each agent's outcomes per seeded day, and each action type's share.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedIfEmpty, SEED_DAYS } from "@/lib/demo/seed";
import { DEMO_AGENTS } from "@/lib/demo/catalog";
import { demoPlans, seededRatePerSecond } from "@/lib/demo/agent";
import type { Database } from "@/lib/db/client";
import { testDatabase } from "../helpers/db";
import { DAY_MS } from "@cwr/gating/types";

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
  await seedIfEmpty(database.prisma);
}, 180_000);
afterAll(async () => database?.close());

const within30 = (live: number, seeded: number) => Math.abs(live - seeded) <= 0.3 * seeded;

describe("the live demo agent's volume", () => {
  it("matches each agent's seeded daily volume within ±30%, and each action type's share", async () => {
    const db = database.prisma;
    for (const agent of DEMO_AGENTS) {
      const seededPerDay = (await db.outcomeEvent.count({ where: { agent: { slug: agent.slug } } })) / SEED_DAYS;
      const livePerDay = seededRatePerSecond(agent.slug) * (DAY_MS / 1000);
      expect(seededPerDay, agent.slug).toBeGreaterThan(0);
      expect(
        within30(livePerDay, seededPerDay),
        `${agent.slug}: live ${livePerDay.toFixed(1)}/day vs seeded ${seededPerDay.toFixed(1)}/day`,
      ).toBe(true);

      const plans = demoPlans(agent.slug, false);
      const total = plans.reduce((s, p) => s + p.weight, 0);
      for (const p of plans) {
        const seeded =
          (await db.outcomeEvent.count({ where: { agent: { slug: agent.slug }, actionType: { key: p.spec.key } } })) /
          SEED_DAYS;
        const live = (p.weight / total) * livePerDay;
        expect(
          within30(live, seeded),
          `${agent.slug}/${p.spec.key}: live ${live.toFixed(1)}/day vs seeded ${seeded.toFixed(1)}/day`,
        ).toBe(true);
      }
    }
  });

  it("the sped-up stories (DEMO_AGENT_RATE) are the only way the story action types get more than their share", () => {
    const fast = demoPlans("infra-bot", true).find((p) => p.spec.key === "deploy.rollback")!;
    const natural = demoPlans("infra-bot", false).find((p) => p.spec.key === "deploy.rollback")!;
    expect(fast.weight).toBeGreaterThan(natural.weight);
    expect(natural.weight).toBe(natural.spec.perDay);
  });
});
