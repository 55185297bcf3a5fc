// The honest ramp (issue 20 items 1–3, SPEC §7 "How they stay honest"), through the pure interpreter
// the live path runs: a step is a promotion on external customers, so it advances only on the
// anytime-valid e-process (whatever gate the policy names), on the ramped subjects' outcomes since the
// exact moment the step began, with α spent across the steps and re-advances of one stay in RUN; a new
// schedule starts its first step when it is applied, with no evidence.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideStateChange, type StateCommand, type StateContext, type StateDeps } from "./action-type-state";
import { logRampLevel, rampAlpha } from "./ramp";
import { defaultPolicy } from "./defaults";
import { freshEvidence, type FoldOutcome } from "./evidence-fold";
import { logEProcess } from "./statistics";
import { BLAST_RADII, GATE_METHODS, type BlastRadius, type GateMethod, type PolicyRules } from "./types";

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Midnight UTC: a stay and its first step begin at the start of a day unless a test says otherwise. */
const T0 = Date.UTC(2026, 5, 1);
const ADMIN = { type: "user" as const, id: "u-admin", label: "Ada Admin" };

const DEPS: StateDeps = {
  newId: (() => {
    let n = 0;
    return () => `id-${++n}`;
  })(),
  snapshotOf: () => {
    throw new Error("no request is open in these tests: nothing to snapshot");
  },
};

function rampRules(radius: BlastRadius, gate: GateMethod, steps = [5, 25, 100], minDaysPerStep = 0): PolicyRules {
  return { ...defaultPolicy(radius), gate, slider: { percent: 100, steps, minDaysPerStep } };
}

function runContext(rules: PolicyRules, tierSince = T0, rampStepSince = tierSince): StateContext {
  return {
    actionType: {
      id: "at-1",
      agentId: "ag-1",
      key: "ticket.tag",
      tier: "RUN",
      tierSince,
      frozen: false,
      stateVersion: 1,
      rampStep: 0,
      rampStepSince,
      evidence: freshEvidence(tierSince, "v1"),
    },
    policy: { id: "p-1", version: 1, rules },
    requests: [],
  };
}

const outcome = (occurredAt: number, success: boolean, agentVersion = "v1"): FoldOutcome => ({
  kind: success ? "outcome.positive" : "outcome.negative",
  tier: "RUN",
  occurredAt,
  agentVersion,
});

/** What the shell writes, applied to the context the next decision reads (lib/state/apply.ts, in memory). */
function decide(ctx: StateContext, command: StateCommand, now: number) {
  const d = decideStateChange(ctx, command, now, DEPS);
  if (!d.ok) throw new Error(d.refusal.message);
  let at = ctx.actionType;
  let policy = ctx.policy;
  for (const e of d.effects) {
    if (e.type === "set_evidence") at = { ...at, evidence: e.evidence };
    else if (e.type === "change_ramp_step")
      at = { ...at, rampStep: e.toStep, rampStepSince: now, stateVersion: at.stateVersion + 1 };
    else if (e.type === "change_tier") at = { ...at, tier: e.to, frozen: e.frozen, stateVersion: at.stateVersion + 1 };
    else if (e.type === "reset_evidence" && e.scope === "detector")
      at = { ...at, evidence: { ...at.evidence, cusum: 0 } };
    else if (e.type === "reset_evidence" && e.scope === "tier")
      at = {
        ...at,
        tierSince: now,
        evidence: freshEvidence(now, at.evidence.agentVersion),
        rampStep: 0,
        rampStepSince: now,
      };
    else if (e.type === "apply_policy") policy = e.policy;
  }
  const advanced = d.effects.some((e) => e.type === "change_ramp_step" && e.cause === "ramp_advance");
  const steppedBack = d.effects.some((e) => e.type === "change_ramp_step" && e.cause === "ramp_step_back");
  return { ctx: { ...ctx, actionType: at, policy }, advanced, steppedBack, answer: d.answer };
}

const ingest = (ctx: StateContext, outcomes: FoldOutcome[], now: number) =>
  decide(ctx, { type: "ingest", outcomes }, now);

/** The i-th of n outcomes, with `successes` of them spread evenly (no run of failures trips the detector). */
const spread = (i: number, n: number, successes: number) =>
  Math.floor(((i + 1) * successes) / n) > Math.floor((i * successes) / n);

/** ln E of the e-process on the outcomes in [from, now]: what the step may honestly claim. */
function honestLogE(outcomes: FoldOutcome[], from: number, bar: number): number {
  const counted = outcomes.filter((o) => o.occurredAt >= from);
  const successes = counted.filter((o) => o.kind === "outcome.positive").length;
  return logEProcess(successes, counted.length, bar);
}

/** A seeded generator: the simulations are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const radiusArb = fc.constantFrom(...BLAST_RADII);

describe("item 1: a step advances only on the anytime-valid e-process, whatever the policy's gate", () => {
  it("the verdict is the same under every gate method, and an advance means E ≥ 1/α on the step's outcomes", () => {
    fc.assert(
      fc.property(
        radiusArb,
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (radius, extra, share) => {
          const bar = defaultPolicy(radius).tiers.WALK.promotion!;
          const n = bar.minSamples + extra;
          // Successes between the bar and all of them: where the gates disagree.
          const successes = Math.min(n, Math.ceil(n * bar.threshold) + Math.floor(share * n * (1 - bar.threshold)));
          const batch = Array.from({ length: n }, (_, i) => outcome(T0 + HOUR + i, spread(i, n, successes)));
          const now = T0 + 2 * HOUR;
          const verdicts = GATE_METHODS.map((gate) => ingest(runContext(rampRules(radius, gate)), batch, now).advanced);
          expect(new Set(verdicts).size).toBe(1);
          if (verdicts[0]) expect(logEProcess(successes, n, bar.threshold)).toBeGreaterThanOrEqual(-Math.log(0.05));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("under `wilson`, at a true rate exactly on the bar, false step advances within 2,000 outcomes stay ≤ α (seeded, 300 runs)", () => {
    const rules = rampRules("medium", "wilson");
    const bar = rules.tiers.WALK.promotion!.threshold;
    const rnd = mulberry32(20260601);
    const RUNS = 300;
    let falseAdvances = 0;
    for (let run = 0; run < RUNS; run++) {
      let ctx = runContext(rules);
      // 1,000 outcomes a day in batches of 10.
      for (let b = 0; b < 200; b++) {
        const at = T0 + (b + 1) * (DAY / 100);
        const r = ingest(
          ctx,
          Array.from({ length: 10 }, (_, i) => outcome(at - 10 + i, rnd() < bar)),
          at,
        );
        ctx = r.ctx;
        if (r.advanced) {
          falseAdvances++;
          break;
        }
      }
    }
    expect(falseAdvances / RUNS).toBeLessThanOrEqual(rules.alpha);
  });
});

describe("item 2: a step's evidence counts from the exact moment it began, and α is spent across steps", () => {
  it("outcomes of the step's day that occurred before it began never count for it", () => {
    fc.assert(
      fc.property(
        radiusArb,
        fc.integer({ min: 1, max: 20 * 60 }),
        fc.integer({ min: 50, max: 800 }),
        fc.integer({ min: 0, max: 300 }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (radius, minutes, before, after, rate) => {
          const rules = rampRules(radius, "eprocess");
          const bar = rules.tiers.WALK.promotion!.threshold;
          const stepSince = T0 + minutes * 60_000;
          // In RUN since midnight; the current step began later the same day.
          let ctx = runContext(rules, T0, stepSince);
          const early = Array.from({ length: before }, (_, i) => outcome(T0 + (i * (stepSince - T0)) / before, true));
          const late = Array.from({ length: after }, (_, i) =>
            outcome(stepSince + i * 1000, spread(i, after, Math.round(after * rate))),
          );
          const now = stepSince + after * 1000 + 1;
          const r1 = ingest(ctx, early, now);
          expect(r1.advanced).toBe(false);
          ctx = r1.ctx;
          const r2 = ingest(ctx, late, now);
          if (r2.advanced) expect(honestLogE(late, stepSince, bar)).toBeGreaterThanOrEqual(-Math.log(rules.alpha));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("over a stay's steps, step-backs and re-advances, Σ 1/E at each advance (E on that step's own outcomes) is ≤ α", () => {
    const phase = fc.record({
      outcomes: fc.integer({ min: 1, max: 400 }),
      rate: fc.constantFrom(1, 0.99, 0.97, 0.9, 0.5, 0.2),
      gapMinutes: fc.integer({ min: 1, max: 36 * 60 }),
    });
    fc.assert(
      fc.property(
        radiusArb,
        fc.constantFrom(...GATE_METHODS),
        fc.integer({ min: 0, max: 1 }),
        fc.array(phase, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (radius, gate, minDays, phases, seed) => {
          const rules = rampRules(radius, gate, [1, 5, 10, 25, 50, 100], minDays);
          const bar = rules.tiers.WALK.promotion!.threshold;
          const rnd = mulberry32(seed);
          let ctx = runContext(rules);
          let now = T0;
          let stepSince = T0;
          const seen: FoldOutcome[] = [];
          let spent = 0;
          for (const p of phases) {
            now += p.gapMinutes * 60_000;
            const batch = Array.from({ length: p.outcomes }, (_, i) => outcome(now - p.outcomes + i, rnd() < p.rate));
            seen.push(...batch);
            const r = ingest(ctx, batch, now);
            if (r.ctx.actionType.tier !== "RUN") return; // demoted: the stay is over
            if (r.advanced) {
              spent += Math.exp(-honestLogE(seen, stepSince, bar));
              expect(spent).toBeLessThanOrEqual(rules.alpha);
            }
            if (r.advanced || r.steppedBack) stepSince = now;
            ctx = r.ctx;
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("item 3: a new or changed schedule starts its first step when the policy is applied, with no evidence", () => {
  it("an agent long in RUN given a schedule stays at its first step: the outcomes before the apply never count", () => {
    fc.assert(
      fc.property(
        radiusArb,
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 59 }),
        (radius, daysInRun, minDays, first, minutesAfter) => {
          const plain = defaultPolicy(radius);
          let ctx = runContext(plain);
          // Days of perfect outcomes in RUN at 100 %, well past any bar.
          const history = Array.from({ length: daysInRun * 20 }, (_, i) => outcome(T0 + i * (DAY / 20), true));
          const applyAt = T0 + daysInRun * DAY;
          ctx = ingest(ctx, history, applyAt - 1).ctx;
          const steps = [first, 25, 100];
          const edited = decide(
            ctx,
            {
              type: "edit_policy",
              rules: { ...plain, slider: { percent: 100, steps, minDaysPerStep: minDays } },
              reason: "Ramp ticket.tag on customers slowly.",
              requester: { id: ADMIN.id, role: "admin" },
              actor: ADMIN,
            },
            applyAt,
          );
          expect(edited.answer).toMatchObject({ type: "policy_applied" });
          ctx = edited.ctx;
          // Within the minute, a late report of an old outcome and a fresh one: the 5 % step has not run.
          const r = ingest(
            ctx,
            [outcome(applyAt - HOUR, true), outcome(applyAt + minutesAfter * 60_000, true)],
            applyAt + 60_000,
          );
          expect(r.advanced).toBe(false);
          expect(r.ctx.actionType.rampStep).toBe(0);
          // Even after the step's minimum time, only outcomes since the apply count.
          const later = applyAt + minDays * DAY + 1;
          const r2 = ingest(r.ctx, [outcome(later - 1, true)], later);
          expect(r2.advanced).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("α spent across the step tests of one stay in RUN", () => {
  it("α_j = α·2^−(j+1) sums to at most α, and stays finite and positive in log space for any j", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 0.2, noNaN: true }),
        fc.integer({ min: 1, max: 2_000 }),
        (alpha, tests) => {
          let sum = 0;
          for (let j = 0; j < tests; j++) sum += rampAlpha(alpha, j);
          expect(sum).toBeLessThanOrEqual(alpha);
          expect(Number.isFinite(logRampLevel(alpha, tests))).toBe(true);
          expect(logRampLevel(alpha, tests)).toBeGreaterThan(logRampLevel(alpha, tests - 1));
        },
      ),
    );
  });

  it("each advance clears α_j, j counting the stay's earlier step tests that held outcomes (steps, step-backs, versions, schedules)", () => {
    const phase = fc.record({
      outcomes: fc.integer({ min: 1, max: 300 }),
      rate: fc.constantFrom(1, 0.98, 0.9, 0.3),
      gapMinutes: fc.integer({ min: 1, max: 24 * 60 }),
      newVersion: fc.boolean(),
      newSchedule: fc.boolean(),
    });
    fc.assert(
      fc.property(radiusArb, fc.array(phase, { minLength: 1, maxLength: 20 }), fc.integer(), (radius, phases, seed) => {
        // Each new schedule starts lower than the last: a tightening, applied at once.
        const scheduleAt = (k: number) => [Number((40 / (k + 1)).toFixed(2)), 50, 100];
        let rules = rampRules(radius, "wilson", scheduleAt(0), 0);
        const bar = rules.tiers.WALK.promotion!.threshold;
        const rnd = mulberry32(seed);
        let ctx = runContext(rules);
        let now = T0;
        let version = 1;
        let stepSince = T0;
        let counted: FoldOutcome[] = [];
        let tests = 0;
        for (const [k, p] of phases.entries()) {
          now += p.gapMinutes * 60_000;
          if (p.newSchedule) {
            rules = { ...rules, slider: { percent: 100, steps: scheduleAt(k + 1), minDaysPerStep: 0 } };
            const r = decide(
              ctx,
              {
                type: "edit_policy",
                rules,
                reason: "Move the ramp schedule.",
                requester: { id: ADMIN.id, role: "admin" },
                actor: ADMIN,
              },
              now,
            );
            ctx = r.ctx;
            if (ctx.actionType.rampStepSince === now) {
              if (counted.length > 0) tests++;
              counted = [];
              stepSince = now;
            }
          }
          if (p.newVersion) version++;
          const batch = Array.from({ length: p.outcomes }, (_, i) =>
            outcome(now - p.outcomes + i, rnd() < p.rate, `v${version}`),
          );
          // A new version restarts the step's test; the old one spends its α once it held outcomes.
          if (batch[0]!.agentVersion !== ctx.actionType.evidence.agentVersion && counted.length > 0) {
            tests++;
            counted = [];
          }
          counted.push(...batch.filter((o) => o.occurredAt >= stepSince));
          const r = ingest(ctx, batch, now);
          if (r.ctx.actionType.tier !== "RUN") return;
          if (r.advanced)
            expect(honestLogE(counted, stepSince, bar)).toBeGreaterThanOrEqual(logRampLevel(rules.alpha, tests));
          if (r.advanced || r.steppedBack) {
            if (counted.length > 0) tests++;
            counted = [];
            stepSince = now;
          }
          expect(r.ctx.actionType.evidence.step).toMatchObject({ trials: counted.length, spent: tests });
          ctx = r.ctx;
        }
      }),
      { numRuns: 150 },
    );
  });
});
