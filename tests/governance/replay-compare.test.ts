// Issue 20 item 9: the replay compares like with like. The proposed policy is shown against the
// CURRENT policy folded the same way over the same outcomes (a promotion taken as soon as eligible),
// never against what really happened (where each promotion waited for people). A tightening never
// reads as more autonomy; a loosening reads as how much sooner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedIfEmpty } from "@/lib/demo/seed";
import { replaySummary, replaySentence, type ReplayPoint } from "@/lib/replay/summary";
import { currentPolicy } from "@/lib/policies/data";
import { TIERS, type PolicyRules } from "@cwr/gating/types";
import { testDatabase } from "../helpers/db";
import type { Database } from "@/lib/db/client";

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
  await seedIfEmpty(database.prisma);
}, 180_000);
afterAll(async () => database?.close());

const rank = (changes: ReplayPoint[], t: number) => {
  let tier = 0;
  for (const c of changes) if (Date.parse(c.at) <= t) tier = TIERS.indexOf(c.to);
  return tier;
};

async function ticketReply() {
  const db = database.prisma;
  const at = await db.actionType.findFirstOrThrow({ where: { key: "ticket.reply" }, select: { id: true } });
  return { id: at.id, rules: (await currentPolicy(db, at.id)).rules };
}

function withWalk(rules: PolicyRules, patch: Partial<NonNullable<PolicyRules["tiers"]["WALK"]["promotion"]>>) {
  return {
    ...rules,
    tiers: { ...rules.tiers, WALK: { ...rules.tiers.WALK, promotion: { ...rules.tiers.WALK.promotion!, ...patch } } },
  };
}

describe("the replay compares the proposed policy with the current one (issue 20 item 9)", () => {
  it("a tightening (WALK bar 90 → 92 %) never reads as more autonomy than the current policy", async () => {
    const t = await ticketReply();
    const s = await replaySummary(database.prisma, t.id, withWalk(t.rules, { threshold: 0.92 }));
    expect(s.current, "the current policy folded the same way").toBeDefined();
    const times = [...s.proposed.changes, ...s.current.changes].map((c) => Date.parse(c.at));
    for (const at of [...times, Date.parse(s.now)])
      expect(rank(s.proposed.changes, at)).toBeLessThanOrEqual(rank(s.current.changes, at));
    expect(TIERS.indexOf(s.proposed.tier)).toBeLessThanOrEqual(TIERS.indexOf(s.current.tier));
    expect(replaySentence(s)).not.toMatch(/in reality/);
    expect(replaySentence(s)).toMatch(/current policy/);
    expect(replaySentence(s)).toMatch(/as soon as it is eligible/);
  }, 60_000);

  it("a loosening (WALK min outcomes 200 → 150) reads as how much sooner, against the current policy", async () => {
    const t = await ticketReply();
    const s = await replaySummary(database.prisma, t.id, withWalk(t.rules, { minSamples: 150 }));
    const firstRun = (changes: ReplayPoint[]) => changes.find((c) => c.to === "RUN")?.at;
    const proposed = firstRun(s.proposed.changes);
    const current = firstRun(s.current.changes);
    expect(proposed).toBeDefined();
    expect(current).toBeDefined();
    expect(Date.parse(proposed!)).toBeLessThanOrEqual(Date.parse(current!));
    expect(replaySentence(s)).toContain(current!.slice(0, 10));
  }, 60_000);
});
