// Issue 20 item 8: the replay is the live path. The live side here is the product's own core: every
// outcome is one ingest batch decided by decideStateChange at its arrival (= its occurrence), its
// effects written to the context the way lib/state/apply.ts writes them to the row, and a promotion
// taken the moment stateEligibility says eligible (the replay's stated assumption). Over ≥ 200 random
// drifting streams, the replay must move the same tiers at the same outcomes and end in the same state.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decideStateChange,
  stateEligibility,
  type ActionTypeFacts,
  type StateContext,
  type StateDeps,
  type StateEffect,
} from "./action-type-state";
import { defaultPolicy } from "./defaults";
import { freshEvidence, type FoldOutcome } from "./evidence-fold";
import { tierAbove } from "./outcomes";
import { PolicyReplay } from "./replay";
import { DAY_MS, GATE_METHODS, TIERS, type EventKind, type PolicyRules, type Tier } from "./types";

const START = Date.UTC(2026, 9, 1);

interface Move {
  at: number;
  from: Tier;
  to: Tier;
}

const deps = (): StateDeps => {
  let n = 0;
  return {
    newId: () => `id-${++n}`,
    snapshotOf: (ctx, now) => ({ snapshot: null, hash: "", eligibility: stateEligibility(ctx, now, false) }),
  };
};

/** What the shell writes for each effect (lib/state/apply.ts), on the context instead of the row. */
function written(at: ActionTypeFacts, effects: StateEffect[], now: number): ActionTypeFacts {
  let next = at;
  for (const e of effects) {
    if (e.type === "set_evidence") next = { ...next, evidence: e.evidence };
    else if (e.type === "change_tier") next = { ...next, tier: e.to, frozen: e.frozen };
    else if (e.type === "change_ramp_step") next = { ...next, rampStep: e.toStep, rampStepSince: now };
    else if (e.type === "reset_evidence" && e.scope === "tier")
      next = {
        ...next,
        tierSince: now,
        evidence: freshEvidence(now, next.evidence.agentVersion),
        rampStep: 0,
        rampStepSince: now,
      };
    else if (e.type === "reset_evidence" && e.scope === "detector")
      next = { ...next, evidence: { ...next.evidence, cusum: 0 } };
  }
  return next;
}

const KINDS: Record<Tier, [success: EventKind, failure: EventKind]> = {
  CRAWL: ["suggestion.accepted", "suggestion.rejected"],
  WALK: ["action.completed", "action.escalated"],
  RUN: ["outcome.positive", "outcome.negative"],
};

interface StreamSpec {
  rules: PolicyRules;
  /** success rate per segment: the agent drifts */
  segments: Array<{ length: number; rate: number }>;
  gapMinutes: number[];
  seed: number;
}

/** A small, fast policy (so a few hundred outcomes promote and demote), the gate drawn. */
const rulesArb = fc
  .record({
    gate: fc.constantFrom(...GATE_METHODS),
    crawlMin: fc.integer({ min: 10, max: 60 }),
    walkMin: fc.integer({ min: 10, max: 60 }),
    minDays: fc.integer({ min: 0, max: 2 }),
    demotionMin: fc.integer({ min: 5, max: 30 }),
    arl: fc.constantFrom(200, 1_000, 10_000),
    window: fc.integer({ min: 1, max: 7 }),
  })
  .map((r) => {
    const p = defaultPolicy("low");
    p.gate = r.gate;
    p.demotionArl = r.arl;
    for (const t of ["CRAWL", "WALK", "RUN"] as const) p.tiers[t].windowDays = r.window;
    p.tiers.CRAWL.promotion = { ...p.tiers.CRAWL.promotion!, minSamples: r.crawlMin, minDaysInTier: r.minDays };
    p.tiers.WALK.promotion = { ...p.tiers.WALK.promotion!, minSamples: r.walkMin, minDaysInTier: r.minDays };
    for (const t of ["WALK", "RUN"] as const)
      p.tiers[t].demotion = { ...p.tiers[t].demotion!, minSamples: r.demotionMin };
    return p;
  });

const streamArb: fc.Arbitrary<StreamSpec> = fc.record({
  rules: rulesArb,
  segments: fc.array(
    fc.record({ length: fc.integer({ min: 20, max: 250 }), rate: fc.double({ min: 0.4, max: 1, noNaN: true }) }),
    { minLength: 2, maxLength: 6 },
  ),
  gapMinutes: fc.array(fc.integer({ min: 0, max: 240 }), { minLength: 1, maxLength: 8 }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

/** A small deterministic generator (the stream must be the same for both sides). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The live path, one outcome per batch; the agent reports the tier it is in. Returns the recorded stream. */
function live(spec: StreamSpec) {
  const random = rng(spec.seed);
  let ctx: StateContext = {
    actionType: {
      id: "at",
      agentId: "agent",
      key: "ticket.reply",
      tier: "CRAWL",
      tierSince: START,
      frozen: false,
      stateVersion: 0,
      rampStep: 0,
      rampStepSince: START,
      evidence: freshEvidence(START),
    },
    policy: { id: "p1", version: 1, rules: spec.rules },
    requests: [],
  };
  const moves: Move[] = [];
  const outcomes: FoldOutcome[] = [];
  let t = START;
  let version = 1;
  for (const seg of spec.segments) {
    for (let i = 0; i < seg.length; i++) {
      t += spec.gapMinutes[(outcomes.length + i) % spec.gapMinutes.length]! * 60_000 + 1;
      if (random() < 0.003) version++;
      const tier = ctx.actionType.tier;
      const o: FoldOutcome = {
        kind: KINDS[tier][random() < seg.rate ? 0 : 1],
        tier,
        occurredAt: t,
        agentVersion: `v${version}`,
        severity: null,
        reverts: null,
      };
      outcomes.push(o);
      const before = ctx.actionType.tier;
      const d = decideStateChange(ctx, { type: "ingest", outcomes: [o] }, t, deps());
      if (!d.ok) throw new Error(d.refusal.message);
      ctx = { ...ctx, actionType: written(ctx.actionType, d.effects, t) };
      if (ctx.actionType.tier !== before) moves.push({ at: t, from: before, to: ctx.actionType.tier });
      else if (stateEligibility(ctx, t, false).eligible) {
        const to = tierAbove(ctx.actionType.tier)!;
        moves.push({ at: t, from: ctx.actionType.tier, to });
        ctx = {
          ...ctx,
          actionType: written(
            ctx.actionType,
            [{ type: "change_tier", to, frozen: false } as StateEffect, { type: "reset_evidence", scope: "tier" }],
            t,
          ),
        };
      }
    }
  }
  return { moves, outcomes, end: t, tier: ctx.actionType.tier, evidence: ctx.actionType.evidence };
}

describe("the replay is the live path (issue 20 item 8)", () => {
  it("moves the same tiers at the same outcomes as ingest + detector, over 200 drifting streams", () => {
    let moved = 0;
    fc.assert(
      fc.property(streamArb, (spec) => {
        const l = live(spec);
        const replay = new PolicyReplay({
          rules: spec.rules,
          policyVersion: 1,
          createdAt: START,
          recorded: [],
          promote: "when_eligible",
        });
        // Each outcome was its own batch, received when it occurred.
        for (const o of l.outcomes) replay.push([o], o.occurredAt);
        const r = replay.finish(l.end);
        const moves = r.changes.filter((c) => c.from !== c.to).map(({ at, from, to }) => ({ at, from, to }));
        expect(moves).toEqual(l.moves);
        expect(r.tier).toBe(l.tier);
        expect(r.state.trials).toBe(l.evidence.trials);
        expect(r.state.cusum).toBeCloseTo(l.evidence.cusum, 9);
        if (l.moves.some((m) => TIERS.indexOf(m.to) < TIERS.indexOf(m.from))) moved++;
      }),
      { numRuns: 200, seed: 20_08 },
    );
    // The streams drift enough that demotions really happen (the property is not vacuous).
    expect(moved).toBeGreaterThan(20);
  }, 120_000);

  it("a demotion lands on the outcome that raised the alarm, not on the day's last outcome", () => {
    const rules = defaultPolicy("low");
    rules.demotionArl = 200;
    rules.tiers.WALK.demotion = { ...rules.tiers.WALK.demotion!, minSamples: 5 };
    const replay = new PolicyReplay({
      rules,
      policyVersion: 1,
      createdAt: START,
      recorded: [{ at: START, to: "WALK", frozen: false, cause: "override" }],
      promote: "as_recorded",
    });
    // 40 failures in the morning, then 40 successes in the afternoon of the same day.
    const day: FoldOutcome[] = Array.from({ length: 80 }, (_, i) => ({
      kind: i < 40 ? "action.escalated" : "action.completed",
      tier: "WALK",
      occurredAt: START + DAY_MS / 4 + i * 60_000,
      agentVersion: "v1",
    }));
    for (const o of day) replay.push([o], o.occurredAt);
    const demotion = replay.finish(START + DAY_MS).changes.find((c) => c.cause === "automatic_demotion");
    expect(demotion).toBeDefined();
    expect(demotion!.at).toBeLessThan(day[40]!.occurredAt);
  });
});
