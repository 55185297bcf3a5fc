// Issue 20, measured item 5: wilson's one look is exact, and policy-diff judges it by the exact
// false promotion at the bar.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { oneLookFalsePromotion } from "@/tests/helpers/false-promotion";
import { restartAlpha } from "./alpha-spending";
import { defaultPolicy } from "./defaults";
import { classifyPolicyChange } from "./policy-diff";

describe("wilson's one look (item 5)", () => {
  it("promotes an agent exactly at the bar with probability ≤ α, for every lookAt", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.double({ min: 0.5, max: 0.995, noNaN: true }),
        fc.constantFrom(0.04, 0.01, 0.1, 0.0025),
        (lookAt, bar, alpha) => {
          expect(oneLookFalsePromotion("wilson", lookAt, bar, alpha)).toBeLessThanOrEqual(alpha * (1 + 1e-9));
        },
      ),
      { numRuns: 400, seed: 5 },
    );
  });

  it("at bar 0.98 and α₀ = 4 % no lookAt from 1 to 1,000 exceeds 4 % (up to 4.8 % today)", () => {
    let worst = 0;
    for (let n = 1; n <= 1000; n++) worst = Math.max(worst, oneLookFalsePromotion("wilson", n, 0.98, 0.04));
    expect(worst).toBeLessThanOrEqual(0.04);
  });

  it("lookAt 600 → 601 at bar 0.98 is a tightening only if the false promotion at the bar does not rise", () => {
    const before = defaultPolicy("critical");
    before.gate = "wilson";
    before.tiers.WALK.promotion!.minSamples = 600;
    before.tiers.WALK.promotion!.lookAt = 600;
    const after = structuredClone(before);
    after.tiers.WALK.promotion!.lookAt = 601;
    const a0 = restartAlpha(before.alpha, 0);
    const rises = oneLookFalsePromotion("wilson", 601, 0.98, a0) > oneLookFalsePromotion("wilson", 600, 0.98, a0);
    expect(classifyPolicyChange(before, after).verdict).toBe(rises ? "loosen" : "tighten");
  });

  it("any lookAt change at a bar is a tightening only if the exact false promotion at the bar does not rise", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 1500 }),
        fc.integer({ min: -40, max: 40 }),
        fc.constantFrom(0.8, 0.85, 0.9, 0.95, 0.98),
        (look, delta, bar) => {
          const before = defaultPolicy("low");
          before.gate = "wilson";
          before.tiers.CRAWL.promotion!.threshold = bar;
          before.tiers.CRAWL.promotion!.minSamples = 10;
          before.tiers.CRAWL.promotion!.lookAt = look;
          const after = structuredClone(before);
          after.tiers.CRAWL.promotion!.lookAt = Math.max(10, look + delta);
          const a0 = restartAlpha(before.alpha, 0);
          const pb = oneLookFalsePromotion("wilson", look, bar, a0);
          const pa = oneLookFalsePromotion("wilson", Math.max(10, look + delta), bar, a0);
          if (classifyPolicyChange(before, after).verdict === "tighten") expect(pa).toBeLessThanOrEqual(pb);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
