import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { DAY_MS, evaluateEligibility } from "./eligibility";
import { cusumParams, evaluateDemotion } from "./demotion";
import {
  formatCount,
  formatRateAgainst,
  gateAfterMoreSuccesses,
  barsInWords,
  plainDemotion,
  plainGate,
  policyChangeInWords,
  TIER_MEANING,
  type PlainGateInput,
} from "./plain-words";
import { BLAST_RADII, GATE_METHODS, type GateMethod, type PolicyRules, type Tier } from "./types";

const NOW = Date.UTC(2026, 10, 30);

function withGate(rules: PolicyRules, gate: GateMethod, threshold?: number): PolicyRules {
  const r = structuredClone(rules);
  r.gate = gate;
  if (threshold !== undefined) for (const t of ["CRAWL", "WALK"] as const) r.tiers[t].promotion!.threshold = threshold;
  return r;
}

const countsArb = fc
  .integer({ min: 0, max: 3000 })
  .chain((n) => fc.record({ successes: fc.integer({ min: 0, max: n }), trials: fc.constant(n) }));

const inputArb: fc.Arbitrary<PlainGateInput> = fc
  .record({
    radius: fc.constantFrom(...BLAST_RADII),
    gate: fc.constantFrom(...GATE_METHODS),
    threshold: fc.option(fc.double({ min: 0.5, max: 0.99, noNaN: true }), { nil: undefined }),
    tier: fc.constantFrom<Tier>("CRAWL", "WALK"),
    evidence: countsArb,
    windowShare: fc.double({ min: 0, max: 1, noNaN: true }),
    restarts: fc.integer({ min: 0, max: 6 }),
    lookTaken: fc.boolean(),
  })
  .map(({ radius, gate, threshold, tier, evidence, windowShare, restarts, lookTaken }) => {
    const rules = withGate(defaultPolicy(radius), gate, threshold);
    const wTrials = Math.floor(evidence.trials * windowShare);
    const window = { successes: Math.min(evidence.successes, wTrials), trials: wTrials };
    // A look exists only for `wilson` once the evidence reached lookAt (as the fold takes it).
    const bar = rules.tiers[tier].promotion!;
    const lookAt = bar.lookAt ?? bar.minSamples;
    let look: PlainGateInput["look"] = null;
    if (gate === "wilson" && lookTaken && evidence.trials >= lookAt) {
      const s = Math.min(evidence.successes, lookAt);
      const g = gateAfterMoreSuccesses(
        { rules, tier, evidence: { successes: s, trials: lookAt }, window, restarts, look: null },
        0,
      );
      look = {
        policyVersion: 1,
        restarts,
        successes: s,
        trials: lookAt,
        cleared: g.statistic >= bar.threshold,
        statistic: g.statistic,
      };
    }
    return { rules, tier, evidence, window, restarts, look };
  });

describe("plainGate", () => {
  it("says 'clears' exactly when the gate (and eligibility's own gate) clears", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const p = plainGate(input);
        const elig = evaluateEligibility(
          {
            tier: input.tier,
            tierSince: new Date(NOW - 400 * DAY_MS),
            frozen: false,
            openRequest: false,
            evidence: input.evidence,
            window: input.window,
            restarts: input.restarts,
            look: input.look,
          },
          input.rules,
          NOW,
        );
        expect(p.cleared).toBe(elig.gate!.cleared);
        expect(/\bclears\b/.test(p.sentence)).toBe(p.cleared);
        expect(p.sentence).not.toMatch(/e\+|NaN|undefined|Infinity/);
      }),
      { numRuns: 400 },
    );
  });

  it("'N more good outcomes in a row': N clear the gate and N − 1 do not, by the gate's own function", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const p = plainGate(input);
        if (p.cleared) {
          expect(p.more).toBe(0);
          return;
        }
        if (p.more === null) return;
        expect(gateAfterMoreSuccesses(input, p.more).cleared).toBe(true);
        expect(gateAfterMoreSuccesses(input, p.more - 1).cleared).toBe(false);
        // Issue 25: a run of good outcomes is quoted only while there is no rate to go by.
        if (p.distance.kind !== "no-rate") return;
        expect(p.sentence).toContain(
          `${formatCount(p.more)} more good outcome${p.more === 1 ? "" : "s"} in a row would clear it`,
        );
      }),
      { numRuns: 300 },
    );
  });

  it("reads like the issue's example", () => {
    const rules = withGate(defaultPolicy("medium"), "eprocess", 0.92);
    const p = plainGate({
      rules,
      tier: "CRAWL",
      evidence: { successes: 174, trials: 190 },
      window: { successes: 174, trials: 190 },
      restarts: 0,
      look: null,
    });
    expect(p.cleared).toBe(false);
    expect(p.sentence).toMatch(
      /^91\.5% of 190 outcomes were good; it will not clear at today's rate \(91\.5% is below the 92% bar\)\.$/,
    );
    const above = plainGate({
      rules,
      tier: "CRAWL",
      evidence: { successes: 186, trials: 200 },
      window: { successes: 186, trials: 200 },
      restarts: 0,
      look: null,
    });
    expect(above.sentence).toMatch(
      /^93\.0% of 200 outcomes were good; that is not yet enough evidence that the true rate is above the 92% bar; about [\d,]+ more outcomes at today's rate would clear it\.$/,
    );
  });

  it("a spent wilson look says so; RUN has no bar", () => {
    const rules = withGate(defaultPolicy("medium"), "wilson");
    const look = { policyVersion: 1, restarts: 0, successes: 80, trials: 100, cleared: false, statistic: 0.72 };
    const p = plainGate({
      rules,
      tier: "CRAWL",
      evidence: { successes: 180, trials: 200 },
      window: { successes: 0, trials: 0 },
      restarts: 0,
      look,
    });
    expect(p.more).toBeNull();
    expect(p.sentence).toContain("only an approved loosening");
    expect(
      plainGate({
        rules,
        tier: "RUN",
        evidence: { successes: 1, trials: 1 },
        window: { successes: 1, trials: 1 },
        restarts: 0,
        look: null,
      }).sentence,
    ).toBe("RUN is the top tier: there is no bar above it.");
  });

  it("labels a raw gate as having no statistical guarantee", () => {
    const rules = withGate(defaultPolicy("low"), "raw");
    expect(
      plainGate({
        rules,
        tier: "CRAWL",
        evidence: { successes: 50, trials: 60 },
        window: { successes: 50, trials: 60 },
        restarts: 0,
        look: null,
      }).sentence,
    ).toContain("no statistical guarantee");
  });
});

describe("number words", () => {
  it("counts with thousands separators; rates never read on the wrong side of their bar", () => {
    expect(formatCount(1809)).toBe("1,809");
    expect(formatCount(261930)).toBe("261,930");
    expect(formatRateAgainst(0.91999, 0.92)).toBe("91.9%");
    expect(formatRateAgainst(0.9226, 0.9225)).toBe("92.26%");
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 9999 }), (rate, b) => {
        const bar = b / 10000;
        fc.pre(Math.abs(rate - bar) > 1e-12);
        const shown = Number(formatRateAgainst(rate, bar).replace("%", ""));
        if (rate >= bar) expect(shown).toBeGreaterThanOrEqual(Number((bar * 100).toPrecision(12)));
        else expect(shown).toBeLessThan(Number((bar * 100).toPrecision(12)));
      }),
    );
  });

  it("defines every tier", () => {
    expect(TIER_MEANING).toEqual({
      CRAWL: "only suggests; a human acts",
      WALK: "acts on internal staff",
      RUN: "acts on external customers",
    });
  });
});

describe("policyChangeInWords", () => {
  it("names fields in words and rates as percentages", () => {
    expect(policyChangeInWords({ path: "tiers.CRAWL.promotion.threshold", from: 0.85, to: 0.8 }).text).toBe(
      "CRAWL promotion bar: 85% → 80%",
    );
    expect(policyChangeInWords({ path: "tiers.WALK.promotion.minDaysInTier", from: 7, to: 1 }).text).toBe(
      "WALK minimum time in tier: 7 days → 1 day",
    );
    expect(policyChangeInWords({ path: "tiers.WALK.promotion.minSamples", from: 1000, to: 1200 }).text).toBe(
      "WALK minimum outcomes: 1,000 → 1,200",
    );
    expect(policyChangeInWords({ path: "gate", from: "eprocess", to: "raw" }).text).toBe(
      "gate method: e-process (checked after every outcome) → raw rate (no statistical guarantee)",
    );
    expect(policyChangeInWords({ path: "demotionArl", from: 1e6, to: 2e6 }).text).toBe(
      "false-alarm run length (outcomes): 1,000,000 → 2,000,000",
    );
  });

  it('says the slider\'s values, never "set" (issue 25: "slider: set → set")', () => {
    expect(policyChangeInWords({ path: "slider", from: { percent: 10 }, to: { percent: 5 } }).text).toBe(
      "share of external subjects: 10% → 5%",
    );
    expect(
      policyChangeInWords({
        path: "slider",
        from: { percent: 100 },
        to: { percent: 100, steps: [5, 25, 100], minDaysPerStep: 3 },
      }).text,
    ).toBe("share of external subjects: 100% → ramp 5% → 25% → 100% (at least 3 days per step)");
    expect(policyChangeInWords({ path: "slider", from: { percent: 12.5 }, to: { percent: 1 } }).text).toBe(
      "share of external subjects: 12.5% → 1%",
    );
  });
});

describe("barsInWords", () => {
  it("says what each tier's bars ask", () => {
    const rules = defaultPolicy("medium");
    const [promotion] = barsInWords(rules, "CRAWL");
    expect(promotion).toContain(
      `Promotion to WALK (where the agent acts on internal staff) needs evidence that the true success rate is above ${Math.round(rules.tiers.CRAWL.promotion!.threshold * 100)}%`,
    );
    expect(barsInWords(rules, "RUN").join(" ")).toMatch(
      /^Demoted to WALK automatically when its success rate falls below [\d.]+%/,
    );
    expect(barsInWords({ ...rules, gate: "raw" }, "CRAWL")[0]).toContain("no statistical guarantee");
  });
});

describe("plainDemotion: what would demote it, from the detector's own verdict", () => {
  const rules = defaultPolicy("medium");
  it("CRAWL has nothing below it; RUN and WALK say what watches them", () => {
    expect(plainDemotion({ rules, tier: "CRAWL", cusum: 0, threshold: 1, samples: 0, minSamples: 1 })).toBeNull();
    const { threshold } = cusumParams(rules, "RUN");
    const minSamples = rules.tiers.RUN.demotion!.minSamples;
    expect(plainDemotion({ rules, tier: "RUN", cusum: 0, threshold, samples: 3, minSamples })).toBe(
      `Watched for regression: the detector can act once ${formatCount(minSamples)} outcomes are in its ${rules.tiers.RUN.windowDays}-day window (3 so far). An incident of ${rules.incidentSeverity} severity or worse demotes it straight to CRAWL.`,
    );
    expect(
      plainDemotion({ rules, tier: "RUN", cusum: threshold / 2, threshold, samples: minSamples, minSamples }),
    ).toMatch(
      /^Watched for regression: recent failures have taken the detector to 50% of its alarm; at the alarm it is demoted to WALK on its own\./,
    );
    expect(plainDemotion({ rules, tier: "WALK", cusum: 0, threshold, samples: minSamples, minSamples })).toMatch(
      /^Watched for regression: recent outcomes have not moved the detector toward its alarm; at the alarm it is demoted to CRAWL on its own\./,
    );
  });

  it("says the alarm is reached exactly when the detector would demote, and never prints 100% below it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Tier>("WALK", "RUN"),
        fc.constantFrom(...BLAST_RADII),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 3000 }),
        (tier, radius, share, samples) => {
          const r = defaultPolicy(radius);
          const { threshold } = cusumParams(r, tier);
          const cusum = share * threshold;
          const minSamples = r.tiers[tier].demotion!.minSamples;
          const sentence = plainDemotion({ rules: r, tier, cusum, threshold, samples, minSamples })!;
          const verdict = evaluateDemotion({ tier, cusum, window: { successes: 0, trials: samples } }, r);
          expect(sentence.startsWith("Failures have reached the regression detector's alarm")).toBe(
            verdict.action === "demote",
          );
          expect(sentence).not.toContain("100% of its alarm");
        },
      ),
      { numRuns: 300, seed: 1414 },
    );
  });
});
