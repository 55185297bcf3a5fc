// bench:gate's ramp rows (issue 20, SPEC §7): false step advances of a ramp schedule when the true rate
// on the ramped subjects sits exactly on the RUN bar, driven through the live path's own pure core
// (decideStateChange: ingest → fold → detector → ramp), for every gate method the policy may name
// (the ramp must ignore it) and two volumes a day. Every advance at p = bar is a false one.
import {
  decideStateChange,
  defaultPolicy,
  freshEvidence,
  GATE_METHODS,
  type FoldOutcome,
  type GateMethod,
  type PolicyRules,
  type StateContext,
  type StateDeps,
} from "@cwr/gating";
import { DAY_MS } from "@cwr/gating/types";

const HORIZONS = [2_000, 10_000] as const;
const BATCH = 10;
const T0 = Date.UTC(2026, 5, 1);

const DEPS: StateDeps = {
  newId: () => "bench",
  snapshotOf: () => {
    throw new Error("no request is open in the ramp simulation");
  },
};

function context(rules: PolicyRules): StateContext {
  return {
    actionType: {
      id: "at",
      agentId: "ag",
      key: "ticket.tag",
      tier: "RUN",
      tierSince: T0,
      frozen: false,
      stateVersion: 1,
      rampStep: 0,
      rampStepSince: T0,
      evidence: freshEvidence(T0, "v1"),
    },
    policy: { id: "p", version: 1, rules },
    requests: [],
  };
}

/** One run: the outcome index of the first false advance and whether the last step was reached (null: none). */
function run(rules: PolicyRules, perDay: number, rnd: () => number): { first: number | null; lastAt: number | null } {
  const bar = rules.tiers.WALK.promotion!.threshold;
  const last = rules.slider!.steps!.length - 1;
  let ctx = context(rules);
  let first: number | null = null;
  const horizon = HORIZONS[HORIZONS.length - 1]!;
  for (let n = BATCH; n <= horizon; n += BATCH) {
    const now = T0 + (n / perDay) * DAY_MS;
    const batch: FoldOutcome[] = [];
    for (let i = 0; i < BATCH; i++)
      batch.push({
        kind: rnd() < bar ? "outcome.positive" : "outcome.negative",
        tier: "RUN",
        occurredAt: now - (BATCH - i),
        agentVersion: "v1",
      });
    const d = decideStateChange(ctx, { type: "ingest", outcomes: batch }, now, DEPS);
    if (!d.ok) throw new Error(d.refusal.message);
    let at = ctx.actionType;
    for (const e of d.effects) {
      if (e.type === "set_evidence") at = { ...at, evidence: e.evidence };
      else if (e.type === "change_ramp_step") {
        at = { ...at, rampStep: e.toStep, rampStepSince: now };
        if (e.cause === "ramp_advance") first ??= n;
      } else if (e.type === "change_tier") return { first, lastAt: null }; // demoted: the stay is over
    }
    ctx = { ...ctx, actionType: at };
    if (at.rampStep >= last) return { first, lastAt: n };
  }
  return { first, lastAt: null };
}

export function rampRows(runs: number, seed: number, mulberry32: (seed: number) => () => number): string[][] {
  const rows: string[][] = [];
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  for (const gate of GATE_METHODS as readonly GateMethod[]) {
    const rules: PolicyRules = {
      ...defaultPolicy("medium"),
      gate,
      slider: { percent: 100, steps: [5, 25, 100], minDaysPerStep: 0 },
    };
    const bar = rules.tiers.WALK.promotion!;
    for (const perDay of [200, 1_000]) {
      const rnd = mulberry32(seed);
      const results = Array.from({ length: runs }, () => run(rules, perDay, rnd));
      const within = HORIZONS.map((h) => results.filter((r) => r.first !== null && r.first <= h).length / runs);
      const reached = results.filter((r) => r.lastAt !== null).length / runs;
      const ok = within.every((x) => x <= rules.alpha) ? `≤ α = ${rules.alpha}` : `ABOVE α = ${rules.alpha}`;
      rows.push([
        `ramp 5 → 25 → 100 %, gate ${gate} (RUN bar ${bar.threshold}, min ${bar.minSamples}, 0 days/step)`,
        `false step advance at p = bar, ${perDay}/day, within ${HORIZONS.map((h) => h.toLocaleString("en-US")).join(" / ")} (reached 100 % in 10,000)`,
        `${within.map(pct).join(" / ")} (${pct(reached)}) ${ok}`,
        `simulated through decideStateChange, batches of ${BATCH}, ${runs} runs, seed ${seed}`,
      ]);
    }
  }
  return rows;
}
