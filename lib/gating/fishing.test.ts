// Issue 11: the gate cannot be fished. Fast seeded or exact versions of the bounds `npm run bench:gate`
// prints in full: version bumps, the wilson look, intervals people watch, and demotion false alarms.
import { describe, expect, it } from "vitest";
import { logRestartLevel } from "./alpha-spending";
import { logMixtureMartingale } from "./confidence-sequence";
import { gridAlarmWithin } from "./cusum-arl";
import { defaultPolicy } from "./defaults";
import { cusumParams } from "./demotion";
import { promotionGate } from "./eligibility";
import { foldEvidence, freshEvidence, type EvidenceState, type FoldContext } from "./evidence-fold";
import { clearTable, firstPassage } from "./promotion-oc";
import { logEProcess, wilsonInterval } from "./statistics";
import { BLAST_RADII } from "./types";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const medium = defaultPolicy("medium"); // WALK bar 0.9, minSamples 200, α 0.05

describe("repro 2: bumping the version spends α", () => {
  it("bar 0.9, a bump every 100 outcomes (minimum sample ignored): false promotion ≤ α within 2,000 outcomes, exactly", () => {
    let survive = 1;
    for (let j = 0; j < 20; j++)
      survive *= 1 - firstPassage(clearTable(0.9, logRestartLevel(0.05, j), 100), 0.9, 100)[100]!;
    expect(1 - survive).toBeLessThanOrEqual(0.05);
    // The rule it replaces: a fresh α on every restart.
    let fresh = 1;
    for (let j = 0; j < 20; j++) fresh *= 1 - firstPassage(clearTable(0.9, -Math.log(0.05), 100), 0.9, 100)[100]!;
    expect(1 - fresh).toBeGreaterThan(0.25);
  });

  it("through the fold and the gate: bumping whenever E < 1/4 stays ≤ α (seeded, 200 runs × 2,000 outcomes)", () => {
    const rules = medium;
    const ctx: FoldContext = { tier: "WALK", tierSince: 0, rules, policyVersion: 1 };
    const rnd = mulberry32(11);
    let promoted = 0;
    const RUNS = 200;
    for (let run = 0; run < RUNS; run++) {
      let state: EvidenceState = freshEvidence(0, "v0");
      let version = 0;
      for (let t = 1; t <= 2000; t++) {
        const kind = rnd() < 0.9 ? "action.completed" : "action.escalated";
        state = foldEvidence(
          state,
          [{ kind, tier: "WALK", occurredAt: t * 1000, agentVersion: `v${version}` }],
          ctx,
        ).state;
        const gate = promotionGate(rules, "WALK", state, state, state.restarts, state.look);
        if (gate.cleared && state.trials >= 200) {
          promoted++;
          break;
        }
        if (logEProcess(state.successes, state.trials, 0.9) < Math.log(0.25)) version++;
      }
    }
    // bench:gate: 0.017 (20,000 runs); the old rule (a fresh α per version) gave 0.12.
    expect(promoted / RUNS).toBeLessThanOrEqual(0.05);
  });
});

describe("repro 3: wilson is one look", () => {
  it("at p = bar the one look at lookAt outcomes promotes with probability ≤ α (exact binomial sum)", () => {
    for (const radius of BLAST_RADII) {
      const rules = { ...defaultPolicy(radius), gate: "wilson" as const };
      const bar = rules.tiers.CRAWL.promotion!;
      const n = bar.lookAt ?? bar.minSamples;
      // P(S ≥ s) under Binomial(n, bar) for the smallest s the look clears.
      let p = 0;
      let logPmf = n * Math.log(1 - bar.threshold); // S = 0
      for (let s = 0; s <= n; s++) {
        if (s > 0) logPmf += Math.log((n - s + 1) / s) + Math.log(bar.threshold / (1 - bar.threshold));
        const look = { policyVersion: 1, restarts: 0, successes: s, trials: n, cleared: false, statistic: 0 };
        const state = foldEvidence(
          freshEvidence(0, "v1"),
          Array.from({ length: n }, (_, i) => ({
            kind: i < s ? ("suggestion.accepted" as const) : ("suggestion.rejected" as const),
            tier: "CRAWL" as const,
            occurredAt: i,
            agentVersion: "v1",
          })),
          { tier: "CRAWL", tierSince: 0, rules, policyVersion: 1 },
        ).state;
        expect(state.look, radius).toMatchObject({ trials: n, successes: s });
        if (promotionGate(rules, "CRAWL", state, state, 0, state.look ?? look).cleared) p += Math.exp(logPmf);
      }
      expect(p, radius).toBeLessThanOrEqual(0.05);
    }
  });
});

describe("repro 5: the intervals people watch hold at every look", () => {
  it("watched from n = 30 to 2,000, the confidence sequence misses the true rate in ≤ 5% of runs; the Wilson interval in far more", () => {
    const rnd = mulberry32(5);
    const RUNS = 300;
    const p = 0.9;
    const level = Math.log(1 / 0.05);
    let csMiss = 0;
    let wilsonMiss = 0;
    for (let run = 0; run < RUNS; run++) {
      let s = 0;
      let cs = false;
      let wil = false;
      for (let n = 1; n <= 2000 && !(cs && wil); n++) {
        if (rnd() < p) s++;
        if (n < 30) continue;
        if (!cs && logMixtureMartingale(s, n, p) >= level) cs = true;
        if (!wil && n % 5 === 0) {
          const w = wilsonInterval(s, n);
          if (p < w.lower || p > w.upper) wil = true;
        }
      }
      if (cs) csMiss++;
      if (wil) wilsonMiss++;
    }
    expect(csMiss / RUNS).toBeLessThanOrEqual(0.05);
    expect(wilsonMiss / RUNS).toBeGreaterThan(0.2);
  });
});

describe("repro 6: demotion does not false-alarm on good agents", () => {
  it("at the rate cleared to enter the tier, P(false demotion within 10^5 outcomes) ≤ 10% for every default policy", () => {
    for (const radius of BLAST_RADII) {
      const rules = defaultPolicy(radius);
      for (const [tier, below] of [
        ["WALK", "CRAWL"],
        ["RUN", "WALK"],
      ] as const) {
        const c = cusumParams(rules, tier);
        const comfortable = 1 - rules.tiers[below].promotion!.threshold;
        expect(c.comfortable).toBeCloseTo(comfortable, 12);
        const within = gridAlarmWithin(c.q0, c.q1, c.threshold, comfortable, 100_000)[100_000]!;
        expect(within, `${radius} ${tier}`).toBeLessThanOrEqual(0.1);
      }
    }
  });
});
