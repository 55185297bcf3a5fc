// Issue 25 item 1: the distance to the bar in words must be true at today's rate. The N a sentence
// reports is checked by feeding the gate module's own decision N outcomes at that rate.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { formatCount, formatDays } from "./format";
import { gateOf } from "./gates";
import { gateAfterOutcomes, outcomesAtRate, plainGate, type PlainGateInput } from "./plain-words";
import { BLAST_RADII, GATE_METHODS, type GateMethod, type PolicyRules, type Tier } from "./types";

function withGate(rules: PolicyRules, gate: GateMethod, threshold?: number): PolicyRules {
  const r = structuredClone(rules);
  r.gate = gate;
  if (threshold !== undefined) for (const t of ["CRAWL", "WALK"] as const) r.tiers[t].promotion!.threshold = threshold;
  return r;
}

const inputArb: fc.Arbitrary<PlainGateInput> = fc
  .record({
    radius: fc.constantFrom(...BLAST_RADII),
    gate: fc.constantFrom(...GATE_METHODS),
    threshold: fc.option(fc.double({ min: 0.5, max: 0.99, noNaN: true }), { nil: undefined }),
    tier: fc.constantFrom<Tier>("CRAWL", "WALK"),
    trials: fc.integer({ min: 1, max: 3000 }),
    share: fc.double({ min: 0.4, max: 1, noNaN: true }),
    restarts: fc.integer({ min: 0, max: 3 }),
    dailyVolume: fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: null }),
  })
  .map(({ radius, gate, threshold, tier, trials, share, restarts, dailyVolume }) => {
    const rules = withGate(defaultPolicy(radius), gate, threshold);
    const bar = rules.tiers[tier].promotion!;
    // A `wilson` evidence short of its look (the look not yet taken): the distance is to that look.
    const n = gate === "wilson" ? Math.min(trials, Math.max(0, (bar.lookAt ?? bar.minSamples) - 1)) : trials;
    const counts = { successes: Math.min(n, Math.round(n * share)), trials: n };
    return { rules, tier, evidence: counts, window: counts, restarts, look: null, dailyVolume };
  })
  .filter((i) => i.evidence.trials > 0);

/** Today's rate: what the gate reads, as the sentence quotes it. */
const rateOf = (i: PlainGateInput) => {
  const c = gateOf(i.rules.gate).reads === "window" ? i.window : i.evidence;
  return c.successes / c.trials;
};

describe("distance to the bar at today's rate (issue 25 item 1)", () => {
  it("says a 95.0% agent against a 97% bar will not clear at today's rate, never 'N more in a row'", () => {
    const rules = withGate(defaultPolicy("high"), "eprocess", 0.97);
    const p = plainGate({
      rules,
      tier: "WALK",
      evidence: { successes: 950, trials: 1000 },
      window: { successes: 950, trials: 1000 },
      restarts: 0,
      look: null,
      dailyVolume: 20,
    });
    expect(p.cleared).toBe(false);
    expect(p.sentence).toContain("will not clear at today's rate (95.0% is below the 97% bar)");
    expect(p.sentence).not.toMatch(/in a row/);
    expect(p.distance.kind).toBe("never");
  });

  it("gives a time: about N more outcomes at today's rate (≈ D days at this volume)", () => {
    const rules = withGate(defaultPolicy("medium"), "eprocess", 0.92);
    const input: PlainGateInput = {
      rules,
      tier: "CRAWL",
      evidence: { successes: 190, trials: 200 },
      window: { successes: 190, trials: 200 },
      restarts: 0,
      look: null,
      dailyVolume: 16,
    };
    const p = plainGate(input);
    expect(p.distance.kind).toBe("after");
    if (p.distance.kind !== "after") return;
    const n = p.distance.outcomes;
    expect(p.sentence).toContain(
      `about ${formatCount(n)} more outcomes at today's rate (≈ ${formatDays(n / 16)} days at this volume)`,
    );
    expect(gateAfterOutcomes(input, n, 0.95).cleared).toBe(true);
    expect(gateAfterOutcomes(input, n - 1, 0.95).cleared).toBe(false);
  });

  it("near the bar, where clearing flickers with each outcome, the N reported is the first that clears (CI's counterexample)", () => {
    const rules = withGate(defaultPolicy("critical"), "eprocess", 0.5);
    const counts = { successes: 9, trials: 17 };
    const input: PlainGateInput = {
      rules,
      tier: "CRAWL",
      evidence: counts,
      window: counts,
      restarts: 1,
      look: null,
      dailyVolume: null,
    };
    const p = plainGate(input);
    expect(p.distance.kind).toBe("after");
    if (p.distance.kind !== "after") return;
    const n = p.distance.outcomes;
    expect(gateAfterOutcomes(input, n, 9 / 17).cleared).toBe(true);
    for (let k = 1; k < n; k++) expect(gateAfterOutcomes(input, k, 9 / 17).cleared).toBe(false);
  });

  it("outcomes at a rate are whole outcomes, never rounding a good one up", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (s, k, rate) => {
          const after = outcomesAtRate({ successes: s, trials: s }, rate, k);
          expect(after.trials).toBe(s + k);
          expect(Number.isInteger(after.successes)).toBe(true);
          expect(after.successes - s).toBeLessThanOrEqual(rate * k + 1e-9);
          expect(after.successes - s).toBeGreaterThan(rate * k - 1 - 1e-9);
        },
      ),
    );
  });

  it("the N reported clears the gate when outcomes arrive at today's rate, and fewer do not", () => {
    fc.assert(
      fc.property(inputArb, fc.double({ min: 0, max: 1, noNaN: true }), (input, u) => {
        const p = plainGate(input);
        if (p.distance.kind !== "after") return;
        const rate = rateOf(input);
        const n = p.distance.outcomes;
        expect(p.distance.rate).toBe(rate);
        expect(gateAfterOutcomes(input, n, rate).cleared).toBe(true);
        for (const k of [n - 1, Math.floor((n - 1) * u), Math.floor(n / 2)])
          if (k >= 0) expect(gateAfterOutcomes(input, k, rate).cleared).toBe(false);
        const days = input.dailyVolume ? ` (≈ ${formatDays(n / input.dailyVolume)} days at this volume)` : "";
        expect(p.sentence).toContain(
          `about ${formatCount(n)} more outcome${n === 1 ? "" : "s"} at today's rate${days}`,
        );
      }),
      { numRuns: 300 },
    );
  });

  it("'will not clear' exactly when today's rate is at or below what the gate needs", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const p = plainGate(input);
        if (p.cleared) return;
        const rate = rateOf(input);
        const bar = input.rules.tiers[input.tier].promotion!;
        const gate = gateOf(input.rules.gate);
        const lookAt = gate.lookAt(bar);
        const needs =
          lookAt !== null
            ? gateAfterOutcomes(input, lookAt - input.evidence.trials, rate).cleared
            : input.rules.gate === "raw"
              ? rate >= bar.threshold
              : rate > bar.threshold;
        expect(p.distance.kind === "never").toBe(!needs);
        if (p.distance.kind === "never") {
          expect(p.sentence).toContain("will not clear at today's rate");
          // and it really does not, however long outcomes keep arriving at that rate
          for (const k of [1, 10, 100, 1000, 10_000, 100_000])
            expect(gateAfterOutcomes(input, k, rate).cleared).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
