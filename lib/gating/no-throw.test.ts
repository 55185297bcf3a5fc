// Issue 11 repro 8: no accepted policy can break a page. Every core function a page or route calls,
// over random valid policies and random evidence.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { policyRulesSchema } from "@/lib/policies/schema";
import { alphaSpent, evaluateEligibility } from "./eligibility";
import { cusumParams, evaluateDemotion } from "./demotion";
import { foldEvidence, freshEvidence } from "./evidence-fold";
import { classifyPolicyChange } from "./policy-diff";
import { defaultPolicy, validatePolicyRules } from "./defaults";
import { gateDecision } from "./statistics";
import { validPolicy } from "../../tests/helpers/policy-arbitrary";
import { DAY_MS, TIERS } from "./types";

describe("no valid policy makes the core throw", () => {
  it("eligibility, demotion, the fold, α spending and policy diffs answer for every valid policy", () => {
    fc.assert(
      fc.property(
        validPolicy,
        fc.constantFrom(...TIERS),
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 60 }),
        (rules, tier, n, share, restarts) => {
          expect(policyRulesSchema.safeParse(rules).success).toBe(true);
          const successes = Math.floor(n * share);
          const counts = { successes, trials: n };
          const look =
            rules.gate === "wilson"
              ? { policyVersion: 1, restarts, successes, trials: n, cleared: share > 0.5, statistic: share }
              : null;
          const r = evaluateEligibility(
            {
              tier,
              tierSince: new Date(0),
              frozen: false,
              openRequest: false,
              evidence: counts,
              window: counts,
              restarts,
              look,
            },
            rules,
            10 * DAY_MS,
          );
          expect(typeof r.eligible).toBe("boolean");
          expect(() => JSON.stringify(r)).not.toThrow();
          expect(alphaSpent(rules, restarts).alpha).toBeGreaterThan(0);
          const c = cusumParams(rules, tier);
          expect(c.threshold).toBeGreaterThan(0);
          evaluateDemotion({ tier, cusum: c.threshold, window: counts }, rules);
          const events = Array.from({ length: 20 }, (_, i) => ({
            kind: i % 3 ? ("action.completed" as const) : ("action.escalated" as const),
            tier,
            occurredAt: i,
            agentVersion: `v${i % 4}`,
          }));
          foldEvidence(freshEvidence(0, null), events, { tier, tierSince: 0, rules, policyVersion: 1 });
          expect(["tighten", "loosen", "unchanged"]).toContain(
            classifyPolicyChange(defaultPolicy("medium"), rules).verdict,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("SPEC §2 bounds, in the core as well as in zod", () => {
  it("α and α_demote in [1e-6, 0.2], q1 ≥ q0 + 0.02, and the core refuses a gate α above 0.5", () => {
    const p = defaultPolicy("medium");
    for (const alpha of [1e-17, 5e-7, 0.21, 0.6]) {
      expect(validatePolicyRules({ ...p, alpha }).some((m) => m.startsWith("alpha"))).toBe(true);
      expect(validatePolicyRules({ ...p, demotionAlpha: alpha }).some((m) => m.startsWith("demotionAlpha"))).toBe(true);
      expect(policyRulesSchema.safeParse({ ...p, alpha }).success).toBe(false);
    }
    expect(validatePolicyRules({ ...p, alpha: 1e-6 })).toEqual([]);
    const near = structuredClone(p);
    near.tiers.RUN.demotion!.failureRate = 0.2 + 1e-9;
    expect(validatePolicyRules(near).join()).toMatch(/at least 0.02/);
    expect(policyRulesSchema.safeParse(near).success).toBe(false);
    expect(() => gateDecision("wilson", { successes: 9, trials: 10 }, 0.9, 0.6)).toThrow(RangeError);
    // α = 1e-17 would have made 1 − α round to 1: the core computes z from the lower tail.
    expect(Number.isFinite(gateDecision("wilson", { successes: 9, trials: 10 }, 0.5, 1e-17).statistic)).toBe(true);
  });
});
