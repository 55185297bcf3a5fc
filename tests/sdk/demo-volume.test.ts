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

describe("the seeded daily volume", () => {
  it("follows a weekly rhythm (weekdays busier than weekends) with noise: days are not all equal", async () => {
    const rows = await database.prisma.$queryRaw<Array<{ day: Date; n: bigint }>>`
      SELECT date_trunc('day', "occurredAt" AT TIME ZONE 'UTC') AS day, count(*) AS n FROM outcome_events GROUP BY 1 ORDER BY 1`;
    // the seeded days (the last day also holds the proposals decided today)
    const days = rows.slice(0, SEED_DAYS - 1).map((r) => ({ dow: new Date(r.day).getUTCDay(), n: Number(r.n) }));
    expect(days.length).toBe(SEED_DAYS - 1);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const weekday = mean(days.filter((d) => d.dow >= 1 && d.dow <= 5).map((d) => d.n));
    const weekend = mean(days.filter((d) => d.dow === 0 || d.dow === 6).map((d) => d.n));
    console.log(`seeded outcomes a day: weekdays ${weekday.toFixed(1)}, weekends ${weekend.toFixed(1)}`);
    expect(weekday).toBeGreaterThan(1.5 * weekend);
    // noise: the weekdays themselves differ, not one fixed number per kind of day
    const weekdayCounts = new Set(days.filter((d) => d.dow >= 1 && d.dow <= 5).map((d) => d.n));
    expect(weekdayCounts.size).toBeGreaterThan(10);
    // and each action type's own days vary too (no action type at exactly perDay every day)
    const perType = await database.prisma.$queryRaw<Array<{ id: string; distinct: bigint }>>`
      SELECT "actionTypeId" AS id, count(DISTINCT n) AS distinct FROM (
        SELECT "actionTypeId", date_trunc('day', "occurredAt" AT TIME ZONE 'UTC') AS day, count(*) AS n FROM outcome_events GROUP BY 1, 2
      ) d GROUP BY 1`;
    for (const t of perType) expect(Number(t.distinct), t.id).toBeGreaterThan(2);
  });
});
