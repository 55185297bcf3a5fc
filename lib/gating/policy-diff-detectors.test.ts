// Issue 20, measured item 4: detector changes are judged soundly, not on grid noise.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { cusumParams } from "./demotion";
import { classifyPolicyChange } from "./policy-diff";
import type { PolicyRules } from "./types";

describe("detector changes (item 4)", () => {
  it("critical, WALK bar 0.98, RUN demotion 0.95, failure rate 0.07: demotionArl 1e8 → 1e9 raises h, so it loosens", () => {
    const before = defaultPolicy("critical");
    before.tiers.RUN.demotion!.failureRate = 0.07;
    before.demotionArl = 1e8;
    const after = structuredClone(before);
    after.demotionArl = 1e9;
    expect(cusumParams(after, "RUN").threshold).toBeGreaterThan(cusumParams(before, "RUN").threshold);
    expect(classifyPolicyChange(before, after).verdict).toBe("loosen");
  });

  it("with q0 and q1 unchanged, a change is a tightening only if no tier's alarm level h rises", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("low", "medium", "high", "critical") as fc.Arbitrary<"low" | "medium" | "high" | "critical">,
        fc.constantFrom(0.01, 0.02, 0.04, 0.07, 0.1),
        fc.constantFrom(2, 3, 4.5, 6, 7.5, 9),
        fc.constantFrom(2, 3, 4.5, 6, 7.5, 9),
        (radius, gap, e1, e2) => {
          const before: PolicyRules = defaultPolicy(radius);
          const q0 = 1 - before.tiers.RUN.demotion!.threshold;
          before.tiers.RUN.demotion!.failureRate = Math.min(0.999, q0 + 0.02 + gap);
          before.demotionArl = 10 ** e1;
          const after = structuredClone(before);
          after.demotionArl = 10 ** e2;
          const verdict = classifyPolicyChange(before, after).verdict;
          if (verdict === "tighten")
            for (const tier of ["WALK", "RUN"] as const)
              expect(cusumParams(after, tier).threshold).toBeLessThanOrEqual(cusumParams(before, tier).threshold);
        },
      ),
      { numRuns: 80, seed: 4 },
    );
  }, 120_000);
});
