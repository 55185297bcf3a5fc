// An event's verdict (counted, or why not) is the fold's own: counted exactly when folding it changed
// the tier's evidence, and a reason whenever it did not.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { defaultPolicy } from "./defaults";
import { foldEvidence, freshEvidence, type FoldOutcome } from "./evidence-fold";
import { evidenceVerdicts } from "./evidence-verdict";
import { EVENT_KINDS, TIERS, type Tier } from "./types";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

const outcome = fc.record({
  kind: fc.constantFrom(...EVENT_KINDS.filter((k) => k !== "incident")),
  tier: fc.constantFrom(...TIERS),
  occurredAt: fc.integer({ min: T0 - 5 * DAY, max: T0 + 20 * DAY }),
  agentVersion: fc.constantFrom(null, "v1", "v2"),
  source: fc.constantFrom("agent" as const, "reporter:k1" as const),
}) as fc.Arbitrary<FoldOutcome>;

function ctxOf(tier: Tier, attested: boolean) {
  const rules = defaultPolicy("medium");
  if (attested) rules.tiers[tier].evidence = "attested";
  return { tier, tierSince: T0, rules, policyVersion: 1 };
}

describe("evidenceVerdicts", () => {
  it("counts exactly the outcomes the fold adds to the evidence, and explains every other one", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TIERS),
        fc.boolean(),
        fc.array(outcome, { maxLength: 12 }),
        (tier, attested, outcomes) => {
          const ctx = ctxOf(tier, attested);
          const verdicts = evidenceVerdicts(freshEvidence(T0), outcomes, ctx);
          expect(verdicts).toHaveLength(outcomes.length);
          for (const v of verdicts)
            expect(v.counted ? v.notCounted === undefined : (v.notCounted ?? "").length > 0).toBe(true);
          // The counted ones alone, folded, give the same trials as the whole batch.
          const whole = foldEvidence(freshEvidence(T0), outcomes, ctx).state;
          const counted = outcomes.filter((_, i) => verdicts[i]!.counted);
          const only = foldEvidence(freshEvidence(T0), counted, ctx).state;
          expect(only.trials).toBe(whole.trials);
          expect(only.successes).toBe(whole.successes);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("says why in words: another tier's label, before the stay, not attested", () => {
    const ctx = ctxOf("WALK", true);
    const base = { kind: "action.completed" as const, agentVersion: null, occurredAt: T0 + DAY };
    const [label, before, own, helpdesk] = evidenceVerdicts(
      freshEvidence(T0),
      [
        { ...base, tier: "CRAWL", kind: "suggestion.accepted" },
        { ...base, tier: "WALK", occurredAt: T0 - DAY, source: "reporter:k" },
        { ...base, tier: "WALK", source: "agent" },
        { ...base, tier: "WALK", source: "reporter:k" },
      ],
      ctx,
    );
    expect(label).toEqual({ counted: false, notCounted: expect.stringMatching(/labelled CRAWL.*in WALK/) });
    expect(before!.notCounted).toMatch(/before the action type entered WALK/);
    expect(own!.notCounted).toMatch(/attested/);
    expect(helpdesk).toEqual({ counted: true });
  });
});
