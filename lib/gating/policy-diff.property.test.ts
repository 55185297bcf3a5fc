// Issue 20 "Done when": over ≥ 5,000 random policy pairs, no "tighten" verdict where any tier's exact
// false promotion at its bar rises or any detector gets slower. Values come from small sets, so the
// numerics (detector designs, critical counts) repeat and their caches keep this fast.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arlBracket, oracleStep } from "@/tests/helpers/cusum-oracle";
import { oneLookFalsePromotion } from "@/tests/helpers/false-promotion";
import { restartAlpha } from "./alpha-spending";
import { defaultPolicy, validatePolicyRules } from "./defaults";
import { cusumParams } from "./demotion";
import { classifyPolicyChange } from "./policy-diff";
import { BLAST_RADII, GATE_METHODS, type PolicyRules, type Tier } from "./types";

const BARS = [0.8, 0.92, 0.95, 0.98];
const DEMOTIONS = [0.7, 0.8, 0.9];
const GAPS = [undefined, 0.03, 0.1];
const ARLS = [undefined, 1e4, 1e8];
const ALPHAS = [0.01, 0.05, 0.1];
const SAMPLES = [30, 50, 100, 200, 400];
const LOOK_EXTRA = [undefined, 0, 1, 7, 50];

type Knobs = {
  radius: (typeof BLAST_RADII)[number];
  gate: PolicyRules["gate"];
  alpha: number;
  arl: number | undefined;
  crawl: number;
  walk: number;
  samples: number;
  look: number | undefined;
  walkDemotion: number;
  runDemotion: number;
  gap: number | undefined;
};

const knob = {
  radius: fc.constantFrom(...BLAST_RADII),
  gate: fc.constantFrom(...GATE_METHODS),
  alpha: fc.constantFrom(...ALPHAS),
  arl: fc.constantFrom(...ARLS),
  crawl: fc.constantFrom(...BARS),
  walk: fc.constantFrom(...BARS),
  samples: fc.constantFrom(...SAMPLES),
  look: fc.constantFrom(...LOOK_EXTRA),
  walkDemotion: fc.constantFrom(...DEMOTIONS),
  runDemotion: fc.constantFrom(...DEMOTIONS),
  gap: fc.constantFrom(...GAPS),
};

function build(k: Knobs): PolicyRules {
  const p = defaultPolicy(k.radius);
  p.gate = k.gate;
  p.alpha = k.alpha;
  if (k.arl !== undefined) p.demotionArl = k.arl;
  for (const [tier, bar] of [
    ["CRAWL", k.crawl],
    ["WALK", k.walk],
  ] as const) {
    const b = p.tiers[tier].promotion!;
    b.threshold = bar;
    b.minSamples = k.samples;
    if (k.look !== undefined) b.lookAt = k.samples + k.look;
  }
  p.tiers.WALK.demotion!.threshold = k.walkDemotion;
  p.tiers.RUN.demotion!.threshold = k.runDemotion;
  if (k.gap !== undefined) p.tiers.RUN.demotion!.failureRate = 1 - k.runDemotion + k.gap;
  return p;
}

const pair = fc
  .record(knob)
  .chain((a) =>
    fc
      .subarray(Object.keys(knob) as Array<keyof Knobs>, { minLength: 1, maxLength: 3 })
      .chain((fields) => fc.record(Object.fromEntries(fields.map((f) => [f, knob[f]])) as never))
      .map((changed) => [a, { ...a, ...(changed as Partial<Knobs>) }] as [Knobs, Knobs]),
  )
  .map(([a, b]) => [build(a), build(b)] as const)
  .filter(([a, b]) => validatePolicyRules(a).length === 0 && validatePolicyRules(b).length === 0);

/** Exact false promotion at the bar of the stay's first evidence; the e-process's is Ville's bound α₀. */
function falsePromotion(p: PolicyRules, tier: Tier): number {
  const bar = p.tiers[tier].promotion!;
  const a0 = restartAlpha(p.alpha, 0);
  if (p.gate === "eprocess") return a0;
  if (p.gate === "raw") return 1; // looked at after every outcome: an agent at the bar is promoted surely
  return oneLookFalsePromotion("wilson", bar.lookAt ?? bar.minSamples, bar.threshold, a0);
}

/** The after detector is surely slower than the before one (at the before's q0 and q1). */
function surelySlower(before: PolicyRules, after: PolicyRules, tier: Tier): boolean {
  const b = cusumParams(before, tier);
  const a = cusumParams(after, tier);
  if (b.q0 === a.q0 && b.q1 === a.q1) return a.threshold > b.threshold;
  const u = oracleStep(b.q0, b.q1, a.q0, a.q1);
  for (const rate of [b.q0, b.q1]) {
    const [, hiB] = arlBracket(b.q0, b.q1, b.threshold, rate, u);
    const [loA] = arlBracket(a.q0, a.q1, a.threshold, rate, u);
    if (loA > hiB) return true;
  }
  return false;
}

describe("policy-diff over random policy pairs", () => {
  it("no 'tighten' raises a tier's exact false promotion at its bar or makes a detector slower (5,000 pairs)", () => {
    let tightened = 0;
    fc.assert(
      fc.property(pair, ([before, after]) => {
        if (classifyPolicyChange(before, after).verdict !== "tighten") return;
        tightened++;
        for (const tier of ["CRAWL", "WALK"] as const)
          expect(falsePromotion(after, tier)).toBeLessThanOrEqual(falsePromotion(before, tier));
        for (const tier of ["WALK", "RUN"] as const) expect(surelySlower(before, after, tier)).toBe(false);
      }),
      { numRuns: 5000, seed: 2020 },
    );
    // the property is not vacuous
    expect(tightened).toBeGreaterThan(200);
  }, 180_000);
});
