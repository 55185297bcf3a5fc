import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { defaultPolicy } from "./defaults";
import { DAY_MS } from "./eligibility";
import { dayKey, evidenceFrom, freshEvidence } from "./evidence-fold";
import { healthSummary } from "./health-summary";
import { stateEligibility, windowStartDay } from "./state-eligibility";
import type { ActionTypeFacts, StateContext } from "./state-types";
import type { Tier } from "./types";

const rules = defaultPolicy("medium");
const T0 = Date.UTC(2026, 10, 1, 9, 30);

function ctxOf(tier: Tier, tierSince: number, days: Record<string, [number, number]>, frozen = false): StateContext {
  let successes = 0;
  let trials = 0;
  for (const [s, n] of Object.values(days)) {
    successes += s;
    trials += n;
  }
  const actionType: ActionTypeFacts = {
    id: "a",
    agentId: "g",
    key: "k",
    tier,
    tierSince,
    frozen,
    stateVersion: 0,
    rampStep: 0,
    rampStepSince: tierSince,
    evidence: { ...freshEvidence(tierSince), days, successes, trials },
  };
  return { actionType, policy: { id: "p", version: 1, rules }, requests: [] };
}

describe("healthSummary", () => {
  // Random stays: a tier, when it began, outcomes on some days of it; read at random later times.
  const world = fc.record({
    tier: fc.constantFrom<Tier>("CRAWL", "WALK", "RUN"),
    daysAgo: fc.integer({ min: 0, max: 60 }),
    outcomes: fc.array(
      fc.record({ day: fc.nat(60), n: fc.integer({ min: 1, max: 80 }), failPct: fc.integer({ min: 0, max: 30 }) }),
      { maxLength: 12 },
    ),
    frozen: fc.boolean(),
    openRequest: fc.boolean(),
    later: fc.array(fc.integer({ min: 0, max: 40 * DAY_MS }), { minLength: 1, maxLength: 5 }),
  });

  it("until staleAt, the stored eligibleFrom and margin say what the core says at any later time", () => {
    fc.assert(
      fc.property(world, (w) => {
        const tierSince = T0 - w.daysAgo * DAY_MS;
        const days: Record<string, [number, number]> = {};
        for (const o of w.outcomes) {
          if (o.day > w.daysAgo) continue;
          const key = dayKey(tierSince + o.day * DAY_MS);
          const [s, n] = days[key] ?? [0, 0];
          days[key] = [s + o.n - Math.floor((o.n * o.failPct) / 100), n + o.n];
        }
        const ctx = ctxOf(w.tier, tierSince, days, w.frozen);
        const s = healthSummary(ctx, w.openRequest, T0);
        for (const dt of w.later) {
          const t = T0 + dt;
          if (s.staleAt !== null && t >= s.staleAt) continue; // recomputed by then
          const eligible = stateEligibility(ctx, t, w.openRequest).eligible;
          expect(s.eligibleFrom !== null && s.eligibleFrom <= t).toBe(eligible);
          expect(healthSummary(ctx, w.openRequest, t).healthMargin).toBe(s.healthMargin);
        }
        if (s.staleAt !== null) {
          // Stale exactly when a day with outcomes leaves the window.
          const win = rules.tiers[w.tier].windowDays;
          expect(evidenceFrom(ctx.actionType.evidence, windowStartDay(s.staleAt - 1, win))).toEqual(
            evidenceFrom(ctx.actionType.evidence, windowStartDay(T0, win)),
          );
          expect(evidenceFrom(ctx.actionType.evidence, windowStartDay(s.staleAt, win)).trials).toBeLessThan(
            evidenceFrom(ctx.actionType.evidence, windowStartDay(T0, win)).trials,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it("no outcomes: the margin sorts last and time alone changes nothing", () => {
    const s = healthSummary(ctxOf("WALK", T0 - DAY_MS, {}), false, T0);
    expect(s).toEqual({ healthMargin: 1, eligibleFrom: null, staleAt: null });
  });
});
