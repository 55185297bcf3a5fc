// An event's verdict (counted, or why not) is the fold's own: counted exactly when folding it changed
// the tier's evidence, and a reason whenever it did not.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { defaultPolicy } from "./defaults";
import { foldEvidence, freshEvidence, type EvidenceState, type FoldContext, type FoldOutcome } from "./evidence-fold";
import { evidenceVerdicts, type EvidenceVerdict } from "./evidence-verdict";
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

  it("are the verdicts of folding the outcomes one at a time (the fold marks them in one pass)", () => {
    // The reference: fold each outcome alone, in the fold's order, and compare the evidence before and after.
    const oneByOne = (initial: EvidenceState, outcomes: FoldOutcome[], ctx: FoldContext) => {
      const got: Array<{ counted: boolean; since: number }> = new Array(outcomes.length);
      let state = initial;
      const order = outcomes.map((o, i) => ({ at: o.occurredAt, i })).sort((a, b) => a.at - b.at || a.i - b.i);
      for (const { i } of order) {
        const e = outcomes[i]!;
        const after = foldEvidence(state, [e], ctx).state;
        const counted = e.reverts
          ? after.successes < state.successes
          : after.trials !== state.trials || after.evidenceSince !== state.evidenceSince;
        got[i] = { counted, since: state.evidenceSince };
        state = after;
      }
      return got;
    };
    // Mostly outcomes the evidence may hold (the tier's own label, in the stay, the common version), so
    // reverts find a success to turn and version changes restart the evidence.
    const withReverts = (tier: Tier) =>
      fc.record({
        kind: fc.constantFrom(...EVENT_KINDS),
        tier: fc.constantFrom(tier, tier, tier, ...TIERS),
        occurredAt: fc.integer({ min: T0 - DAY, max: T0 + 20 * DAY }),
        agentVersion: fc.constantFrom(null, "v1", "v1", "v1", "v2"),
        severity: fc.constantFrom(null, "low" as const, "high" as const),
        source: fc.constantFrom("agent" as const, "reporter:k1" as const, "person:u1" as const),
        reverts: fc.option(
          fc.record({
            kind: fc.constantFrom(...EVENT_KINDS.filter((k) => k !== "incident")),
            tier: fc.constantFrom(tier, tier, ...TIERS),
            occurredAt: fc.integer({ min: T0 - DAY, max: T0 + 20 * DAY }),
            agentVersion: fc.constantFrom(null, "v1", "v1", "v2"),
          }),
          { freq: 3 },
        ),
      }) as fc.Arbitrary<FoldOutcome>;
    const cases = fc.constantFrom(...TIERS).chain((tier) =>
      fc.tuple(
        fc.constant(tier),
        fc.boolean(),
        fc.array(withReverts(tier), { minLength: 3, maxLength: 20 }),
        fc.array(withReverts(tier), { minLength: 1, maxLength: 30 }),
        // where the evidence began: often later than the stay's start (an earlier version change)
        fc.integer({ min: T0, max: T0 + 10 * DAY }),
      ),
    );
    fc.assert(
      fc.property(cases, ([tier, attested, earlier, outcomes, began]) => {
        const ctx = ctxOf(tier, attested);
        const folded = foldEvidence(freshEvidence(T0), earlier, ctx).state;
        const initial = { ...folded, evidenceSince: Math.max(folded.evidenceSince, began) };
        const verdicts: EvidenceVerdict[] = evidenceVerdicts(initial, outcomes, ctx);
        const reference = oneByOne(initial, outcomes, ctx);
        verdicts.forEach((v, i) => {
          expect(v.counted).toBe(reference[i]!.counted);
          // every outcome but a revert is left out for a reason the words name (never the catch-all)
          if (!v.counted && !outcomes[i]!.reverts) expect(v.notCounted).not.toMatch(/^not part of/);
          // "before the current evidence began" names where it began just before this outcome
          const began = /before the current evidence began \((.+?) UTC/.exec(v.notCounted ?? "");
          if (began) {
            const since = new Date(reference[i]!.since).toISOString().slice(0, 16).replace("T", " ");
            expect(began[1]).toBe(since);
            expect(outcomes[i]!.occurredAt).toBeLessThan(reference[i]!.since);
          }
        });
      }),
    );
  });
});
