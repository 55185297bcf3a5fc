// The overview's set-based read model agrees with the per-action-type reads the rules use.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOverview } from "@/lib/action-types/data";
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
});
