// Issue 26 item 2: the overview's health sort and eligible filter read a summary stored on the row.
// After every kind of change (outcomes, tier changes, freezes, policy edits, time passing) the stored
// summary must equal what the gating core computes from the row's evidence, and the overview's pages
// must come back in the order the core's own values give.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { listOverview, listOverviewPage, type OverviewRow } from "@/lib/action-types/data";
import { overviewQuerySchema } from "@/lib/action-types/schema";
import { demoteManually, setFrozen } from "@/lib/action-types/mutations";
import { ingestEvents } from "@/lib/events/mutations";
import { editPolicy } from "@/lib/policies/mutations";
import { policyRulesSchema } from "@/lib/policies/schema";
import { seedIfEmpty } from "@/lib/demo/seed";
import type { UserPrincipal } from "@/lib/auth/actor";
import type { Database } from "@/lib/db/client";
import { DAY_MS, type Tier } from "@cwr/gating/types";
import { testDatabase } from "../helpers/db";

let database: Database;
let admin: UserPrincipal;
let ids: Array<{ id: string; agentId: string; agentSlug: string; key: string }>;
// One clock for the whole file: it only moves forward, like time.
let clock = Date.now();

beforeAll(async () => {
  database = await testDatabase();
  await seedIfEmpty(database.prisma);
  const u = await database.prisma.user.findFirstOrThrow({ where: { email: "admin@demo.local" } });
  admin = { id: u.id, email: u.email, name: u.name, role: "admin" };
  const rows = await database.prisma.actionType.findMany({
    select: { id: true, key: true, agentId: true, agent: { select: { slug: true } } },
    orderBy: { id: "asc" },
  });
  ids = rows.map((r) => ({ id: r.id, agentId: r.agentId, agentSlug: r.agent.slug, key: r.key }));
}, 180_000);
afterAll(async () => database?.close());

/** The overview's health order, from the core's values (listOverview computes every row's window and eligibility). */
const margin = (r: OverviewRow) => (r.windowRate === null ? 1 : r.windowRate - (r.demotionThreshold ?? 0));
/** The health order: by margin, ties by key and id. */
const byHealth = (a: OverviewRow, b: OverviewRow) =>
  margin(a) - margin(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1);

async function stored(): Promise<Map<string, { healthMargin: number; eligibleFrom: Date | null }>> {
  const rows = await database.prisma.$queryRawUnsafe<
    Array<{ id: string; healthMargin: number; eligibleFrom: Date | null }>
  >(`SELECT id::text AS id, "healthMargin", "eligibleFrom" FROM action_types`);
  return new Map(rows.map((r) => [r.id, { healthMargin: Number(r.healthMargin), eligibleFrom: r.eligibleFrom }]));
}

async function allPages(q: Parameters<typeof overviewQuerySchema.parse>[0], now: Date) {
  const got: OverviewRow[] = [];
  const query = overviewQuerySchema.parse(q);
  for (let page = 1; ; page++) {
    const p = await listOverviewPage(database.prisma, { ...query, page }, now, 7);
    got.push(...p.rows);
    if (page >= p.pages) break;
  }
  return got;
}

/** The stored summary and the overview's health sort and eligible filter agree with the core at `now`. */
async function expectAgreement(now: Date, label: string) {
  const all = await listOverview(database.prisma, now);
  const healthPages = await allPages({ sort: "health" }, now);
  expect(
    healthPages.map((r) => r.id),
    `${label}: health sort`,
  ).toEqual([...all].sort(byHealth).map((r) => r.id));
  const eligible = await allPages({ status: "eligible" }, now);
  expect(
    eligible.map((r) => r.id),
    `${label}: eligible filter`,
  ).toEqual(all.filter((r) => r.eligible).map((r) => r.id));
  const eligibleByHealth = await allPages({ status: "eligible", sort: "health" }, now);
  expect(
    eligibleByHealth.map((r) => r.id),
    `${label}: eligible by health`,
  ).toEqual(
    all
      .filter((r) => r.eligible)
      .sort(byHealth)
      .map((r) => r.id),
  );
  // What the database holds after the read: the core's values at `now`.
  const summary = await stored();
  for (const r of all) {
    const s = summary.get(r.id)!;
    expect(s.healthMargin, `${label}: ${r.agentSlug}/${r.key} margin`).toBe(margin(r));
    expect(s.eligibleFrom !== null && s.eligibleFrom.getTime() <= now.getTime(), `${label}: ${r.key} eligible`).toBe(
      r.eligible,
    );
  }
}

const FAMILY: Record<Tier, [string, string]> = {
  CRAWL: ["suggestion.accepted", "suggestion.rejected"],
  WALK: ["action.completed", "action.escalated"],
  RUN: ["outcome.positive", "outcome.negative"],
};

type Step =
  | { type: "outcomes"; at: number; n: number; failures: number }
  | { type: "freeze"; at: number; frozen: boolean }
  | { type: "demote"; at: number }
  | { type: "tighten"; at: number; days: number }
  | { type: "time"; days: number };

let seq = 0;
async function run(step: Step) {
  if (step.type === "time") {
    clock += step.days * DAY_MS + 3_600_000;
    return;
  }
  clock += 60_000;
  const now = new Date(clock);
  const t = ids[step.at % ids.length]!;
  const row = await database.prisma.actionType.findUniqueOrThrow({ where: { id: t.id }, select: { tier: true } });
  const rationale = "Health summary property test: a change of this kind.";
  if (step.type === "outcomes") {
    const [ok, bad] = FAMILY[row.tier];
    const events = Array.from({ length: step.n }, (_, i) => ({
      idempotencyKey: `health-${seq++}`,
      action: t.key,
      kind: i < step.failures ? bad : ok,
      tier: row.tier,
      occurredAt: new Date(clock - i * 1000).toISOString(),
    }));
    await ingestEvents(database.prisma, { id: t.agentId, slug: t.agentSlug }, events, now);
  } else if (step.type === "freeze") {
    await setFrozen(database.prisma, admin, { actionTypeId: t.id, frozen: step.frozen, rationale }, now).catch(
      () => null, // already in that state: refused, nothing changed
    );
  } else if (step.type === "demote") {
    if (row.tier !== "CRAWL") await demoteManually(database.prisma, admin, { actionTypeId: t.id, rationale }, now);
  } else {
    const policy = await database.prisma.policy.findFirstOrThrow({
      where: { actionTypeId: t.id },
      orderBy: { version: "desc" },
      select: { rules: true },
    });
    const rules = policyRulesSchema.parse(policy.rules);
    const bar = rules.tiers[row.tier].promotion;
    if (!bar) return;
    bar.minDaysInTier += step.days; // a tightening: applied at once
    await editPolicy(database.prisma, admin, { actionTypeId: t.id, rules, reason: rationale }, now);
  }
}

describe("the stored health and eligibility summary", () => {
  it("equals the core's values on the seeded demo, and the overview sorts and filters by it", async () => {
    await expectAgreement(new Date(clock), "seeded");
  }, 120_000);

  it("time alone: the window slides and minDaysInTier elapses", async () => {
    for (const days of [1, 2, 5, 7, 16]) {
      clock += days * DAY_MS;
      await expectAgreement(new Date(clock), `+${days} days`);
    }
  }, 120_000);

  it("after any sequence of outcomes, freezes, demotions, policy tightenings and time passing", async () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        type: fc.constant("outcomes" as const),
        at: fc.nat(),
        n: fc.integer({ min: 1, max: 40 }),
        failures: fc.integer({ min: 0, max: 40 }),
      }),
      fc.record({ type: fc.constant("freeze" as const), at: fc.nat(), frozen: fc.boolean() }),
      fc.record({ type: fc.constant("demote" as const), at: fc.nat() }),
      fc.record({ type: fc.constant("tighten" as const), at: fc.nat(), days: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ type: fc.constant("time" as const), days: fc.integer({ min: 0, max: 10 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 5 }), async (steps) => {
        for (const s of steps) await run(s);
        await expectAgreement(new Date(clock), JSON.stringify(steps));
      }),
      { numRuns: 8, seed: Number(process.env.HEALTH_SEED ?? 26), endOnFailure: true },
    );
  }, 600_000);
});
