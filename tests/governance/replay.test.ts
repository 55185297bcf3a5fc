// What-if replay (SPEC §7) against the seeded demo: for the current policy, the replay through the
// pure fold gives back the live history (people's changes kept as recorded, the detector replayed),
// the live evidence state and today's tier, on every seeded action type; pages change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedIfEmpty } from "@/lib/demo/seed";
import { replayActionType } from "@/lib/replay/data";
import { toEvidenceState, EVIDENCE_STATE_SELECT } from "@/lib/metrics/evidence-state";
import { currentPolicy } from "@/lib/policies/data";
import { testDatabase } from "../helpers/db";
import type { Database } from "@/lib/db/client";

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
  await seedIfEmpty(database.prisma);
}, 180_000);
afterAll(async () => database?.close());

describe("replay of the current policy", () => {
  it("equals the live history, evidence and tier on every seeded action type", async () => {
    const db = database.prisma;
    const types = await db.actionType.findMany({
      select: { id: true, key: true, tier: true, frozen: true, tierSince: true, ...EVIDENCE_STATE_SELECT },
    });
    expect(types.length).toBeGreaterThan(5);
    let withChanges = 0;
    for (const t of types) {
      const run = await replayActionType(db, t.id, { promote: "as_recorded" });
      const replayed = run.changes
        .filter((c) => c.from !== c.to)
        .map((c) => ({ from: c.from, to: c.to, cause: c.cause }));
      const actual = run.actual.changes.map((c) => ({ from: c.from, to: c.to, cause: c.cause }));
      expect({ key: t.key, changes: replayed }).toEqual({ key: t.key, changes: actual });
      if (actual.length) withChanges++;
      expect({ key: t.key, tier: run.tier, frozen: run.frozen }).toEqual({
        key: t.key,
        tier: t.tier,
        frozen: t.frozen,
      });
      const live = toEvidenceState(t);
      expect({
        key: t.key,
        successes: run.state.successes,
        trials: run.state.trials,
        restarts: run.state.restarts,
        days: run.state.days,
      }).toEqual({
        key: t.key,
        successes: live.successes,
        trials: live.trials,
        restarts: live.restarts,
        days: live.days,
      });
      expect(run.state.cusum).toBeCloseTo(live.cusum, 9);
    }
    expect(withChanges).toBeGreaterThan(2);
  }, 120_000);

  it("reads in pages: a page of 7 gives what one page gives", async () => {
    const db = database.prisma;
    const t = (
      await db.actionType.findMany({
        select: { id: true, evidenceTrials: true },
        orderBy: { evidenceTrials: "desc" },
        take: 1,
      })
    )[0]!;
    const whole = await replayActionType(db, t.id, { promote: "as_recorded" });
    const paged = await replayActionType(db, t.id, { promote: "as_recorded", pageSize: 7 });
    expect(paged.pages).toBeGreaterThan(10);
    expect({ ...paged, pages: 0 }).toEqual({ ...whole, pages: 0 });
  }, 60_000);

  it("a looser bar would have been promoted no later, a tighter one never earlier", async () => {
    const db = database.prisma;
    // One that really left CRAWL by a reviewed promotion (not an override).
    const t = await db.tierChange
      .findFirst({
        where: { cause: "promotion", fromTier: "CRAWL" },
        orderBy: { createdAt: "asc" },
        select: { actionTypeId: true },
      })
      .then((c) => ({ id: c!.actionTypeId }));
    const policy = await currentPolicy(db, t.id);
    const bar = policy.rules.tiers.CRAWL.promotion!;
    const looser = {
      ...policy.rules,
      tiers: {
        ...policy.rules.tiers,
        CRAWL: {
          ...policy.rules.tiers.CRAWL,
          promotion: { ...bar, minSamples: Math.max(1, Math.floor(bar.minSamples / 2)), minDaysInTier: 0 },
        },
      },
    };
    const tighter = {
      ...policy.rules,
      tiers: {
        ...policy.rules.tiers,
        CRAWL: { ...policy.rules.tiers.CRAWL, promotion: { ...bar, minSamples: bar.minSamples * 4 } },
      },
    };
    const firstPromotion = (r: Awaited<ReturnType<typeof replayActionType>>) =>
      r.changes.find((c) => c.cause === "promotion" && c.from === "CRAWL")?.at ?? Infinity;
    const base = firstPromotion(await replayActionType(db, t.id, { rules: policy.rules }));
    expect(base).toBeLessThan(Infinity);
    expect(firstPromotion(await replayActionType(db, t.id, { rules: looser }))).toBeLessThanOrEqual(base);
    expect(firstPromotion(await replayActionType(db, t.id, { rules: tighter }))).toBeGreaterThanOrEqual(base);
  }, 60_000);
});
