// Issue 25 item 2 on the seeded demo: email.send's automatic RUN → WALK demotion explains itself on the
// timeline, and the rate chart's data draws, for each day, the bars of the tier it held that day.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionTypeDetail } from "@/lib/action-types/detail";
import { seedIfEmpty } from "@/lib/demo/seed";
import { testDatabase } from "../helpers/db";
import type { Database } from "@/lib/db/client";

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
  await seedIfEmpty(database.prisma);
}, 180_000);
afterAll(async () => database?.close());

describe("a demotion that explains itself (email.send)", () => {
  it("the timeline says the cause in words, with the statistic as its detail", async () => {
    const at = await database.prisma.actionType.findFirstOrThrow({ where: { key: "email.send" } });
    const d = (await actionTypeDetail(database.prisma, at.id))!;
    const demotion = d.timeline.find((t) => t.cause === "automatic_demotion")!;
    expect(demotion.summary).toMatch(
      /^[\d,]+ of the last [\d,]+ outcomes failed, with a recent run of more than \d+% failures \(it accepts [\d.]+%\): the detector's alarm was reached\.$/,
    );
    expect(demotion.details).toMatch(/^failure CUSUM [\d.]+ ≥ [\d.]+ over [\d,]+ outcomes/);
    // a promotion keeps its reviewers' rationale
    const promotion = d.timeline.find((t) => t.cause === "promotion")!;
    expect(promotion.summary).toBeNull();
  }, 60_000);

  it("the chart's bars are those of the tier held each day: RUN's before the demotion, WALK's after", async () => {
    const at = await database.prisma.actionType.findFirstOrThrow({ where: { key: "email.send" } });
    const d = (await actionTypeDetail(database.prisma, at.id))!;
    const rules = d.live.policy.rules;
    expect(d.live.actionType.tier).toBe("WALK");
    const demotion = d.timeline.find((t) => t.cause === "automatic_demotion")!;
    expect(demotion.from).toBe("RUN");
    const promoted = d.timeline.find((t) => t.cause === "promotion" && t.to === "RUN")!;
    const before = d.series.filter((p) => p.day > promoted.day && p.day < demotion.day);
    const after = d.series.filter((p) => p.day > demotion.day);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const p of before) {
      expect(p.heldTier, p.day).toBe("RUN");
      expect(p.demotionBar, p.day).toBe(rules.tiers.RUN.demotion!.threshold);
      expect(p.promotionBar, p.day).toBeNull(); // RUN has no bar above it
    }
    for (const p of after) {
      expect(p.heldTier, p.day).toBe("WALK");
      expect(p.demotionBar, p.day).toBe(rules.tiers.WALK.demotion!.threshold);
      expect(p.promotionBar, p.day).toBe(rules.tiers.WALK.promotion!.threshold);
    }
    expect(rules.tiers.RUN.demotion!.threshold).not.toBe(rules.tiers.WALK.demotion!.threshold);
    // The days that demoted it fall below the bar that applied then (the 7-day rolling line smooths them).
    const daily = d.series
      .filter((p) => p.day > promoted.day && p.day <= demotion.day && p.successes + p.failures > 0)
      .map((p) => p.successes / (p.successes + p.failures));
    expect(Math.min(...daily)).toBeLessThan(rules.tiers.RUN.demotion!.threshold);
  }, 60_000);
});
