import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { restartAlpha } from "./alpha-spending";
import { defaultPolicy } from "./defaults";
import {
  dayKey,
  evidenceFrom,
  foldEvidence,
  freshEvidence,
  type EvidenceState,
  type FoldContext,
  type FoldOutcome,
} from "./evidence-fold";
import type { EventKind, PolicyRules, Tier } from "./types";

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const ctx = (tier: Tier = "WALK", rules: PolicyRules = defaultPolicy("low")): FoldContext => ({
  tier,
  tierSince: T0,
  rules,
  policyVersion: 1,
});
const ev = (kind: EventKind, at: number, agentVersion: string | null = "v1", tier: Tier = "WALK"): FoldOutcome => ({
  kind,
  tier,
  occurredAt: at,
  agentVersion,
});
const start = () => freshEvidence(T0, "v1");

const walkKinds: EventKind[] = ["action.completed", "action.reverted", "action.escalated"];
const anyKind = fc.constantFrom<EventKind>(
  "suggestion.accepted",
  "suggestion.rejected",
  "action.completed",
  "action.reverted",
  "action.escalated",
  "outcome.positive",
  "outcome.negative",
);
const outcome = fc.record({
  kind: anyKind,
  tier: fc.constantFrom<Tier>("CRAWL", "WALK", "RUN"),
  occurredAt: fc.integer({ min: T0 - 10 * HOUR, max: T0 + 400 * HOUR }),
  agentVersion: fc.constantFrom<string | null>("v1", "v2", "v3", null),
});

function sumDays(s: EvidenceState) {
  return Object.values(s.days).reduce((a, [x, n]) => ({ successes: a.successes + x, trials: a.trials + n }), {
    successes: 0,
    trials: 0,
  });
}

describe("foldEvidence", () => {
  it("counts a tier's own family, and restarts on a new version with α spent only once evidence existed", () => {
    const a = foldEvidence(
      start(),
      [ev("action.completed", T0 + HOUR), ev("action.escalated", T0 + 2 * HOUR)],
      ctx(),
    ).state;
    expect(a).toMatchObject({ successes: 1, trials: 2, restarts: 0 });
    const b = foldEvidence(a, [ev("action.completed", T0 + 3 * HOUR, "v2")], ctx()).state;
    expect(b).toMatchObject({ successes: 1, trials: 1, restarts: 1, agentVersion: "v2", evidenceSince: T0 + 3 * HOUR });
    // Bumping before any outcome of the stay spends nothing.
    const c = foldEvidence(freshEvidence(T0, "v1"), [ev("action.completed", T0 + HOUR, "v9")], ctx()).state;
    expect(c).toMatchObject({ restarts: 0, trials: 1 });
  });

  it("an outcome from before the evidence start never counts for promotion, whatever its arrival", () => {
    const s = foldEvidence(start(), [ev("action.completed", T0 + 5 * HOUR, "v2")], ctx()).state;
    const late = foldEvidence(
      s,
      [ev("action.completed", T0 + 4 * HOUR, "v2"), ev("action.completed", T0 - HOUR, "v2")],
      ctx(),
    ).state;
    expect(late).toMatchObject({ successes: 1, trials: 1 });
  });

  it("a failure under another tier label counts for the detector, never for promotion; a success under one counts for nothing", () => {
    const run = ctx("RUN");
    const r = foldEvidence(
      freshEvidence(T0, "v1"),
      Array.from({ length: 40 }, (_, i) => ev("outcome.negative", T0 + i, "v1", "WALK")),
      run,
    );
    expect(r.state.trials).toBe(0);
    expect(r.state.cusum).toBeGreaterThan(10);
    const ok = foldEvidence(freshEvidence(T0, "v1"), [ev("outcome.positive", T0 + 1, "v1", "WALK")], run).state;
    expect(ok).toEqual({ ...freshEvidence(T0, "v1") });
  });

  it("a revert naming a counted success turns it into a failure (no new trial)", () => {
    const done = ev("action.completed", T0 + HOUR);
    const s = foldEvidence(start(), [done, ev("action.completed", T0 + 2 * HOUR)], ctx()).state;
    const r = foldEvidence(
      s,
      [
        {
          ...ev("action.reverted", T0 + 3 * HOUR),
          reverts: { kind: done.kind, tier: done.tier, occurredAt: done.occurredAt, agentVersion: "v1" },
        },
      ],
      ctx(),
    );
    expect(r.state).toMatchObject({ successes: 1, trials: 2 });
    expect(r.state.days[dayKey(T0 + HOUR)]).toEqual([1, 2]);
    expect(r.state.cusum).toBeGreaterThan(0);
  });

  it("wilson takes its one look when the evidence first reaches lookAt and never again", () => {
    const rules = { ...defaultPolicy("low"), gate: "wilson" as const };
    rules.tiers.WALK.promotion!.lookAt = 120;
    const good = Array.from({ length: 120 }, (_, i) => ev("action.completed", T0 + i * 1000));
    const looked = foldEvidence(start(), good, ctx("WALK", rules)).state;
    expect(looked.look).toMatchObject({ trials: 120, successes: 120, cleared: true });
    const bad = Array.from({ length: 200 }, (_, i) => ev("action.escalated", T0 + HOUR + i * 1000));
    expect(foldEvidence(looked, bad, ctx("WALK", rules)).state.look).toEqual(looked.look);
  });

  it("properties: counts stay consistent, never count before tier entry, and a batch proves what its parts prove", () => {
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 120 }), fc.integer({ min: 1, max: 5 }), (outcomes, parts) => {
        const whole = foldEvidence(start(), outcomes, ctx()).state;
        expect(whole.successes).toBeLessThanOrEqual(whole.trials);
        expect(whole.cusum).toBeGreaterThanOrEqual(0);
        expect(sumDays(whole)).toEqual({ successes: whole.successes, trials: whole.trials });
        expect(evidenceFrom(whole, "0000-00-00")).toEqual({ successes: whole.successes, trials: whole.trials });
        // Outcomes before tier entry change nothing.
        const inStay = outcomes.filter((o) => o.occurredAt >= T0);
        expect(foldEvidence(start(), inStay, ctx()).state).toEqual(whole);
        // Split in occurrence order into several batches: the same state.
        const sorted = [...outcomes].sort((a, b) => a.occurredAt - b.occurredAt);
        let split = start();
        const size = Math.ceil(sorted.length / parts) || 1;
        for (let i = 0; i < sorted.length; i += size)
          split = foldEvidence(split, sorted.slice(i, i + size), ctx()).state;
        expect(split.successes).toBe(whole.successes);
        expect(split.trials).toBe(whole.trials);
        expect(split.restarts).toBe(whole.restarts);
        expect(split.cusum).toBeCloseTo(whole.cusum, 9);
        // Only events of the current evidence's version, at or after its start, are in it.
        for (const day of Object.keys(whole.days)) expect(day >= dayKey(whole.evidenceSince)).toBe(true);
      }),
    );
  });

  it("property: a reverted success counts exactly like a failure in its place", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...walkKinds), fc.boolean()), { maxLength: 80 }), (seq) => {
        const outcomes = seq.map(([kind], i) => ev(kind, T0 + i * 1000));
        const reverts = seq.flatMap(([kind, undo], i) =>
          kind === "action.completed" && undo
            ? [
                {
                  ...ev("action.reverted", T0 + 10 * HOUR + i),
                  reverts: { kind, tier: "WALK" as Tier, occurredAt: T0 + i * 1000, agentVersion: "v1" },
                },
              ]
            : [],
        );
        const withReverts = foldEvidence(start(), [...outcomes, ...reverts], ctx()).state;
        const asFailures = foldEvidence(
          start(),
          seq.map(([kind, undo], i) =>
            ev(kind === "action.completed" && undo ? "action.reverted" : kind, T0 + i * 1000),
          ),
          ctx(),
        ).state;
        expect({ s: withReverts.successes, n: withReverts.trials, days: withReverts.days }).toEqual({
          s: asFailures.successes,
          n: asFailures.trials,
          days: asFailures.days,
        });
      }),
    );
  });

  it("property: the α spent over any number of restarts in a stay never exceeds α", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 0.2, noNaN: true }), fc.integer({ min: 0, max: 2000 }), (alpha, j) => {
        let sum = 0;
        for (let k = 0; k <= j; k++) sum += restartAlpha(alpha, k);
        expect(sum).toBeLessThanOrEqual(alpha * (1 + 1e-12));
      }),
    );
  });
});
