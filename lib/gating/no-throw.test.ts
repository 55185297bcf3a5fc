// Issue 11 repro 8: no accepted policy can break a page. Every core function a page or route calls,
// over random valid policies and random evidence.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { policyRulesSchema } from "@/lib/policies/schema";
import { alphaSpent, evaluateEligibility } from "./eligibility";
import { cusumParams, evaluateDemotion } from "./demotion";
import { foldEvidence, freshEvidence } from "./evidence-fold";
import { classifyPolicyChange } from "./policy-diff";
import { defaultPolicy } from "./defaults";
import { validPolicy } from "../../tests/helpers/policy-arbitrary";
import { TIERS } from "./types";

describe("no valid policy makes the core throw", () => {
  it("eligibility, demotion, the fold, α spending and policy diffs answer for every valid policy", () => {
    fc.assert(
      fc.property(validPolicy, fc.constantFrom(...TIERS), fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 60 }), (rules, tier, n, share, restarts) => {
        expect(policyRulesSchema.safeParse(rules).success).toBe(true);
        const successes = Math.floor(n * share);
        const counts = { successes, trials: n };
        const look = rules.gate === "wilson" ? { policyVersion: 1, restarts, successes, trials: n, cleared: share > 0.5, statistic: share } : null;
        const r = evaluateEligibility({ tier, tierSince: new Date(0), frozen: false, openRequest: false, evidence: counts, window: counts, restarts, look }, rules, 10 * 86_400_000);
        expect(typeof r.eligible).toBe("boolean");
        expect(() => JSON.stringify(r)).not.toThrow();
        expect(alphaSpent(rules, restarts).alpha).toBeGreaterThan(0);
        const c = cusumParams(rules, tier);
        expect(c.threshold).toBeGreaterThan(0);
        evaluateDemotion({ tier, cusum: c.threshold, window: counts }, rules);
        const events = Array.from({ length: 20 }, (_, i) => ({ kind: i % 3 ? ("action.completed" as const) : ("action.escalated" as const), tier, occurredAt: i, agentVersion: `v${i % 4}` }));
        foldEvidence(freshEvidence(0, null), events, { tier, tierSince: 0, rules, policyVersion: 1 });
        expect(["tighten", "loosen", "unchanged"]).toContain(classifyPolicyChange(defaultPolicy("medium"), rules).verdict);
      }),
      { numRuns: 60 },
    );
  });
});
