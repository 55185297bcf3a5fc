// The overview's set-based read model agrees with the per-action-type reads the rules use.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOverview, listOverviewPage, type OverviewRow } from "@/lib/action-types/data";
import { OVERVIEW_SORTS, OVERVIEW_STATUSES, overviewQueryOf, overviewQuerySchema } from "@/lib/action-types/schema";
import { actionTypeDetail } from "@/lib/action-types/detail";
import { confidenceSequence, logEProcess, promotionGate } from "@cwr/gating";
import { pinSnapshot } from "@/lib/metrics/snapshot";
import { liveEvidence } from "@/lib/metrics/data";
import { seedIfEmpty } from "@/lib/demo/seed";
import { testDatabase } from "../helpers/db";
import type { Database } from "@/lib/db/client";
import { DAY_MS } from "@cwr/gating/types";

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
      expect(
        row.unmet.map((u) => u.code),
        row.key,
      ).toEqual(live.eligibility.unmet.map((u) => u.code));
      expect(row.tier).toBe(live.actionType.tier);
      expect(row.spark).toHaveLength(14);
    }
    // the spark line: the current tier's daily success rate over the last 14 UTC days
    const withOutcomes = rows.find((r) => r.spark.some((x) => x !== null))!;
    const days = Array.from({ length: 14 }, (_, i) =>
      new Date(now.getTime() - (13 - i) * DAY_MS).toISOString().slice(0, 10),
    );
    const rollups = await database.prisma.metricRollup.findMany({
      where: { actionTypeId: withOutcomes.id, tier: withOutcomes.tier },
    });
    expect(withOutcomes.spark).toEqual(
      days.map((d) => {
        const r = rollups.find((x) => x.day.toISOString().slice(0, 10) === d);
        return r && r.successes + r.failures ? r.successes / (r.successes + r.failures) : null;
      }),
    );
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
      const gate = rules.tiers[tier].promotion
        ? promotionGate(rules, tier, live.evidence, live.window, live.evidence.restarts, live.evidence.look)
        : null;
      expect(live.eligibility.gate, row.key).toEqual(gate);
      // Overview
      expect(row.gateLabel, row.key).toBe(gate?.label ?? null);
      expect(row.eligible, row.key).toBe(live.eligibility.eligible);
      expect(row.windowTrials, row.key).toBe(live.window.trials);
      // Card: its interval is the evidence's confidence sequence
      expect(live.evidence.interval, row.key).toEqual(
        confidenceSequence(live.evidence.successes, live.evidence.trials),
      );
      // Chart: the last day's e-value and band are the gate's, from the same evidence
      const last = detail.series.at(-1)!;
      if (gate && rules.gate === "eprocess" && live.evidence.trials > 0) {
        charted++;
        const bar = rules.tiers[tier].promotion!.threshold;
        expect(last.log10E, row.key).toBeCloseTo(
          logEProcess(live.evidence.successes, live.evidence.trials, bar) / Math.LN10,
          9,
        );
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

describe("overview pages: filtered, sorted and paged in the database", () => {
  const TIER_ORDER = { CRAWL: 0, WALK: 1, RUN: 2 } as const;
  const margin = (r: OverviewRow) => (r.windowRate === null ? 1 : r.windowRate - (r.demotionThreshold ?? 0));
  const expected = (all: OverviewRow[], q: ReturnType<typeof overviewQueryOf>) => {
    const t = q.q?.toLowerCase();
    const list = all.filter(
      (r) =>
        (!t || [r.agentSlug, r.agentName, r.key, r.name].some((x) => x.toLowerCase().includes(t))) &&
        (!q.agent || r.agentSlug === q.agent) &&
        (!q.tier || r.tier === q.tier) &&
        (q.status === "all" ||
          (q.status === "eligible"
            ? r.eligible
            : q.status === "frozen"
              ? r.frozen
              : q.status === "requests"
                ? r.openRequests > 0
                : r.lastDemotion !== null)),
    );
    const by = {
      agent: () => 0, // listOverview's own order
      tier: (a: OverviewRow, b: OverviewRow) =>
        TIER_ORDER[b.tier] - TIER_ORDER[a.tier] || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1),
      time: (a: OverviewRow, b: OverviewRow) =>
        a.tierSince.localeCompare(b.tierSince) || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1),
      // Issue 26: read down the stored summary's index, so ties go by key and id (no longer by agent).
      health: (a: OverviewRow, b: OverviewRow) =>
        margin(a) - margin(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1),
    };
    return [...list].sort(by[q.sort]);
  };

  it("every sort × status, with text and tier filters, pages through exactly the rows the full list holds", async () => {
    const now = new Date();
    const all = await listOverview(database.prisma, now);
    const queries = [
      ...OVERVIEW_SORTS.flatMap((sort) =>
        OVERVIEW_STATUSES.map((status) => overviewQuerySchema.parse({ sort, status })),
      ),
      overviewQuerySchema.parse({ q: "TICKET" }),
      overviewQuerySchema.parse({ q: "support", tier: "RUN" }),
      overviewQuerySchema.parse({ agent: "infra-bot", sort: "tier" }),
      overviewQuerySchema.parse({ q: "%_" }), // LIKE wildcards are plain text
    ];
    for (const q of queries) {
      const want = expected(all, q);
      const got: OverviewRow[] = [];
      for (let page = 1; ; page++) {
        const p = await listOverviewPage(database.prisma, { ...q, page }, now, 5);
        expect(p.total, JSON.stringify(q)).toBe(want.length);
        expect(p.rows.length).toBeLessThanOrEqual(5);
        got.push(...p.rows);
        if (page >= p.pages) break;
      }
      expect(
        got.map((r) => r.id),
        JSON.stringify(q),
      ).toEqual(want.map((r) => r.id));
      expect(got).toEqual(want);
    }
  });

  it("reads a URL's parameters, falling back to defaults for anything unreadable", () => {
    expect(overviewQueryOf({ q: "x", sort: "health", page: "3", tier: "WALK", status: "frozen", agent: "a" })).toEqual({
      q: "x",
      sort: "health",
      page: 3,
      tier: "WALK",
      status: "frozen",
      agent: "a",
    });
    expect(overviewQueryOf({ sort: "nope", page: "-1", tier: "walk", status: ["eligible", "x"], extra: "1" })).toEqual({
      sort: "agent",
      page: 1,
      status: "eligible",
    });
  });
});
