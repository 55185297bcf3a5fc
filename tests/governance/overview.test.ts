// The overview's set-based read model agrees with the per-action-type reads the rules use.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOverview } from "@/lib/action-types/data";
import { actionTypeDetail } from "@/lib/action-types/detail";
import { confidenceSequence, logEProcess, promotionGate } from "@/lib/gating";
import { pinSnapshot } from "@/lib/requests/snapshot";
import { liveEvidence } from "@/lib/metrics/evidence";
import { seedIfEmpty } from "@/lib/demo/seed";
import { testDatabase } from "../helpers/db";
import type { Database } from "@/lib/db/client";

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
  await seedIfEmpty(database.prisma);
}, 180_000);
afterAll(async () => database?.close());

describe("overview read model", () => {
  it("shows, for every action type, the same window, eligibility and open requests as liveEvidence", async () => {
    const now = new Date();
    const rows = await listOverview(database.prisma, now);
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows) {
      const live = await liveEvidence(database.prisma, row.id, now);
      expect(row.windowTrials, row.key).toBe(live.window.trials);
      expect(row.windowRate === null ? 0 : row.windowRate, row.key).toBeCloseTo(live.window.rate, 10);
      expect(row.eligible, row.key).toBe(live.eligibility.eligible);
      expect(row.unmet.map((u) => u.code), row.key).toEqual(live.eligibility.unmet.map((u) => u.code));
      expect(row.tier).toBe(live.actionType.tier);
      expect(row.spark).toHaveLength(14);
    }
    expect(rows.find((r) => r.key === "refund.issue")!.openRequests).toBe(1);
    expect(rows.find((r) => r.key === "email.send")!.lastDemotion?.cause).toBe("automatic_demotion");
  });

  it("the overview, the card, the chart and the request snapshot agree with the gate on every seeded action type (issue 11)", async () => {
    const now = new Date();
    const rows = await listOverview(database.prisma, now);
    let charted = 0;
    for (const row of rows) {
      const detail = (await actionTypeDetail(database.prisma, row.id, now))!;
      const live = detail.live;
      const rules = live.policy.rules;
      const tier = live.actionType.tier;
      // The gate, recomputed from the fold's stored evidence.
      const gate = rules.tiers[tier].promotion ? promotionGate(rules, tier, live.evidence, live.window, live.evidence.restarts, live.evidence.look) : null;
      expect(live.eligibility.gate, row.key).toEqual(gate);
      // Overview
      expect(row.gateLabel, row.key).toBe(gate?.label ?? null);
      expect(row.eligible, row.key).toBe(live.eligibility.eligible);
      expect(row.windowTrials, row.key).toBe(live.window.trials);
      // Card: its interval is the evidence's confidence sequence
      expect(live.evidence.interval, row.key).toEqual(confidenceSequence(live.evidence.successes, live.evidence.trials));
      // Chart: the last day's e-value and band are the gate's, from the same evidence
      const last = detail.series.at(-1)!;
      if (gate && rules.gate === "eprocess" && live.evidence.trials > 0) {
        charted++;
        const bar = rules.tiers[tier].promotion!.threshold;
        expect(last.log10E, row.key).toBeCloseTo(logEProcess(live.evidence.successes, live.evidence.trials, bar) / Math.LN10, 9);
        expect(last.log10E! >= Math.log10(gate.required) - 1e-12, row.key).toBe(gate.cleared);
        expect(last.lower, row.key).toBeCloseTo(live.evidence.interval.lower, 12);
      }
      // Snapshot: what a request would pin says the same
      const { snapshot } = pinSnapshot(live);
      expect(snapshot.eligibility, row.key).toEqual(JSON.parse(JSON.stringify(live.eligibility)));
      expect(snapshot.evidence.alpha, row.key).toEqual(live.evidence.alpha);
    }
    expect(charted).toBeGreaterThan(3);
  });
});

