// The one evidence fold (SPEC §2 "Evidence is one thing, and it cannot be fished"). Every gate, the
// demotion detector, the card, the charts, the overview and the request snapshot read its state.
//
// - Promotion evidence starts at the later of tier entry and the first outcome of the current agent
//   version; an outcome that occurred before that start never counts, whatever its arrival.
// - A new version inside the stay restarts the evidence and spends α (alpha-spending.ts); a restart
//   of an evidence that holds no outcome yet spends nothing (nothing was tested).
// - The CUSUM watches the whole stay, across versions; a failure of the tier's family counts for it
//   whatever tier label it was reported under (never for promotion).
// - An `action.reverted` naming the event it reverts turns that success into a failure (no new trial;
//   reverts.ts decides which reverts are valid and what they do).
// - A `wilson` gate takes its one look when the evidence first reaches `lookAt` outcomes.
// - In RUN, the ramp step's own counters hold the evidence's outcomes since the exact moment the step
//   began (ramp.ts reads them; a new version restarts them and spends the ramp's α like a new step).
// - The stay's outcomes are counted per source. Under an `attested` tier (evidence-source.ts) the
//   agent's own outcomes never enter the promotion evidence; its failures still step the CUSUM, its
//   successes do not (they would wash out failures it cannot hide otherwise).
// Pure: no clock, no I/O. Days are UTC dates of `occurredAt`.

import { logRestartLevel } from "./alpha-spending";
import { cusumParams } from "./demotion";
import { outcomeOf, severityAtLeast } from "./outcomes";
import { revertedSuccess } from "./reverts";
import { gateOf } from "./gates";
import { logEProcess } from "./statistics";
import { addSource, countsForPromotion, NO_SOURCES, type EventSource, type SourceCounts } from "./evidence-source";
import { DAY_MS, type Counts, type EventKind, type PolicyRules, type Severity, type Tier } from "./types";

/** Days kept in the per-day maps: the longest window a policy may have (365) plus slack. */
export const KEPT_DAYS = 370;

/** The one look of a `wilson` gate, taken when the evidence first reached `lookAt`. */
export interface GateLook {
  policyVersion: number;
  restarts: number;
  successes: number;
  trials: number;
  cleared: boolean;
  statistic: number;
}

export interface EvidenceState {
  /** agent version of the current evidence (null until an outcome names one) */
  agentVersion: string | null;
  /** epoch ms: later of tier entry and the first outcome of the current version */
  evidenceSince: number;
  successes: number;
  trials: number;
  /** version restarts within this stay in the tier (j of α_j) */
  restarts: number;
  /** Bernoulli CUSUM on failures over the stay */
  cusum: number;
  /** current evidence per day: [successes, trials] */
  days: Record<string, [number, number]>;
  /** outcomes the demotion detector counted, per day of the stay: [successes, trials] */
  stayDays: Record<string, [number, number]>;
  look: GateLook | null;
  /** the current ramp step's own evidence (RUN only) */
  step: StepCounters;
  /** this stay's outcomes (labelled for its tier) per source */
  sources: SourceCounts;
}

/** The ramp step's evidence: outcomes counted in the current evidence since the exact moment the step began. */
export interface StepCounters {
  successes: number;
  trials: number;
  /** step tests of this stay in RUN that held outcomes before the current one: j of the ramp's α_j */
  spent: number;
}

export interface FoldOutcome {
  kind: EventKind;
  /** the tier label it was reported at */
  tier: Tier;
  occurredAt: number;
  /** null: the event names no version (a human tool's report) */
  agentVersion: string | null;
  severity?: Severity | null;
  /** for an `action.reverted` naming the event it reverts: that event */
  reverts?: { kind: EventKind; tier: Tier; occurredAt: number; agentVersion: string | null } | null;
  /** who reported it (evidence-source.ts); absent: the agent */
  source?: EventSource;
}

export interface FoldContext {
  tier: Tier;
  /** epoch ms of tier entry */
  tierSince: number;
  rules: PolicyRules;
  policyVersion: number;
  /** epoch ms the current ramp step began (RUN); absent: the step counters are left as they are */
  rampStepSince?: number;
}

export interface FoldResult {
  state: EvidenceState;
  /** highest CUSUM reached in this fold (an alarm is an alarm even if W fell back) */
  peakCusum: number;
  /** most severe incident of this stay in the outcomes, if any */
  worstIncident: Severity | null;
  /** per outcome, in the order given: 1 when it went into the tier's evidence (evidence-verdict.ts says why not) */
  counted: Uint8Array;
  /** per outcome, in the order given: where the evidence began just before it was folded */
  evidenceSinceBefore: Float64Array;
}

// The last day's key, remembered: a replay of a million outcomes asks for the same few days over and
// over, and formatting a date is most of a fold's cost. Same answer as formatting every time.
let lastDay = Number.NaN;
let lastKey = "";
export const dayKey = (ms: number): string => {
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay || !Number.isFinite(day)) {
    lastKey = new Date(ms).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastKey;
};

/** The state on entering a tier (or creating an action type) at `at`. The agent version carries over. */
export function freshEvidence(at: number, agentVersion: string | null = null): EvidenceState {
  return {
    agentVersion,
    evidenceSince: at,
    successes: 0,
    trials: 0,
    restarts: 0,
    cusum: 0,
    days: {},
    stayDays: {},
    look: null,
    step: FRESH_STEP,
    sources: NO_SOURCES,
  };
}

const FRESH_STEP: StepCounters = { successes: 0, trials: 0, spent: 0 };

/** A new step test (a new step, a step back, a new schedule or agent version): α_j moves on once the old one held outcomes. */
export function restartStep(step: StepCounters): StepCounters {
  return { successes: 0, trials: 0, spent: step.spent + (step.trials > 0 ? 1 : 0) };
}

/** `lookAt` of a tier's bar (defaults to its minimum sample). */
export function lookAtOf(rules: PolicyRules, tier: Tier): number | null {
  const bar = rules.tiers[tier].promotion;
  return bar ? (bar.lookAt ?? bar.minSamples) : null;
}

function prune<T>(days: Record<string, T>): Record<string, T> {
  const keys = Object.keys(days);
  if (keys.length <= KEPT_DAYS) return days;
  const keep = new Set(keys.sort().slice(-KEPT_DAYS));
  return Object.fromEntries(Object.entries(days).filter(([k]) => keep.has(k)));
}

export function foldEvidence(initial: EvidenceState, outcomes: readonly FoldOutcome[], ctx: FoldContext): FoldResult {
  const s: EvidenceState = { ...initial, days: { ...initial.days }, stayDays: { ...initial.stayDays } };
  const stepSince = ctx.tier === "RUN" ? ctx.rampStepSince : undefined;
  const { tier, rules } = ctx;
  const { q0, q1 } = cusumParams(rules, tier);
  const watched = tier !== "CRAWL";
  let peakCusum = s.cusum;
  let worstIncident: Severity | null = null;
  const bar = rules.tiers[tier].promotion;
  // A one-look gate takes its look when the evidence first reaches it (null: it looks at every outcome).
  const oneLookAt = bar ? gateOf(rules.gate).lookAt(bar) : null;
  const mode = rules.tiers[tier].evidence;

  const stepCusum = (failure: boolean, at: number) => {
    if (!watched) return;
    s.cusum = cusumStepSafe(s.cusum, failure, q0, q1);
    peakCusum = Math.max(peakCusum, s.cusum);
    const d = dayKey(at);
    const day = s.stayDays[d] ?? [0, 0];
    s.stayDays[d] = [day[0] + (failure ? 0 : 1), day[1] + 1];
  };

  // Stable sort by occurrence: the order of a batch does not change what it proves.
  const order = inOrder(outcomes) ? null : occurrenceOrder(outcomes);
  const counted = new Uint8Array(outcomes.length);
  const evidenceSinceBefore = new Float64Array(outcomes.length);
  for (let k = 0; k < outcomes.length; k++) {
    const i = order ? order[k]! : k;
    const e = outcomes[i]!;
    evidenceSinceBefore[i] = s.evidenceSince;
    if (e.occurredAt < ctx.tierSince) continue; // before this stay: never counts
    if (e.kind === "incident") {
      // Whatever tier label: an SDK failing closed reports CRAWL while it may really act in RUN.
      if (e.severity && (!worstIncident || severityAtLeast(e.severity, worstIncident))) worstIncident = e.severity;
      continue;
    }

    if (e.reverts) {
      const t = e.reverts;
      const flipped = revertedSuccess(t);
      const inEvidence =
        flipped !== null &&
        flipped.tier === tier &&
        t.occurredAt >= s.evidenceSince &&
        t.occurredAt >= ctx.tierSince &&
        (t.agentVersion === null || t.agentVersion === s.agentVersion);
      if (inEvidence && s.successes > 0) {
        counted[i] = 1;
        s.successes--;
        const d = dayKey(t.occurredAt);
        const day = s.days[d];
        if (day && day[0] > 0) s.days[d] = [day[0] - 1, day[1]];
      }
      // The detector sees the failure now (it cannot rewind the success it stepped over).
      if (outcomeOf(e.kind, tier) === "failure") stepCusum(true, e.occurredAt);
      continue;
    }

    const labelled = e.tier === tier ? outcomeOf(e.kind, tier) : "ignored";
    if (labelled === "ignored") {
      // Another tier's label: a failure of this tier's family still counts for demotion.
      if (outcomeOf(e.kind, tier) === "failure") stepCusum(true, e.occurredAt);
      continue;
    }
    s.sources = addSource(s.sources, e.source);
    if (!countsForPromotion(e.source, mode)) {
      if (labelled === "failure") stepCusum(true, e.occurredAt);
      continue;
    }
    if (e.occurredAt < s.evidenceSince) {
      // Before the current version's evidence began: the detector still watches the stay.
      stepCusum(labelled === "failure", e.occurredAt);
      continue;
    }
    if (e.agentVersion !== null) {
      if (s.agentVersion !== null && e.agentVersion !== s.agentVersion) {
        // A new model or prompt is a new agent: the evidence starts over and, once it held
        // outcomes, the restart spends α.
        if (s.trials > 0) s.restarts++;
        s.evidenceSince = e.occurredAt;
        s.successes = 0;
        s.trials = 0;
        s.days = {};
        s.look = null;
        s.step = restartStep(s.step);
      }
      s.agentVersion = e.agentVersion;
    }
    counted[i] = 1;
    s.trials++;
    if (labelled === "success") s.successes++;
    const d = dayKey(e.occurredAt);
    const day = s.days[d] ?? [0, 0];
    s.days[d] = [day[0] + (labelled === "success" ? 1 : 0), day[1] + 1];
    stepCusum(labelled === "failure", e.occurredAt);
    if (stepSince !== undefined && e.occurredAt >= stepSince)
      s.step = {
        ...s.step,
        successes: s.step.successes + (labelled === "success" ? 1 : 0),
        trials: s.step.trials + 1,
      };

    if (bar && oneLookAt !== null && s.look === null && s.trials >= oneLookAt) {
      const g = gateOf(rules.gate).decide(
        { successes: s.successes, trials: s.trials },
        bar.threshold,
        promotionAlpha(rules, s.restarts),
      );
      s.look = {
        policyVersion: ctx.policyVersion,
        restarts: s.restarts,
        successes: s.successes,
        trials: s.trials,
        cleared: g.cleared,
        statistic: g.statistic,
      };
    }
  }
  s.days = prune(s.days);
  s.stayDays = prune(s.stayDays);
  return { state: s, peakCusum, worstIncident, counted, evidenceSinceBefore };
}

/** Indices of `outcomes` by occurrence, stable. */
function occurrenceOrder(outcomes: readonly FoldOutcome[]): number[] {
  return outcomes
    .map((o, i) => ({ at: o.occurredAt, i }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.i);
}

/** Already sorted by occurrence (a replay's pages are): the stable sort would change nothing. */
function inOrder(outcomes: readonly FoldOutcome[]): boolean {
  for (let i = 1; i < outcomes.length; i++) if (!(outcomes[i]!.occurredAt >= outcomes[i - 1]!.occurredAt)) return false;
  return true;
}

function cusumStepSafe(w: number, failure: boolean, q0: number, q1: number): number {
  const next = w + (failure ? Math.log(q1 / q0) : Math.log((1 - q1) / (1 - q0)));
  return Math.max(0, next);
}

/** α_j the promotion gate tests at, after `restarts` version restarts in this stay. */
export function promotionAlpha(rules: PolicyRules, restarts: number): number {
  return Math.max(Math.exp(-logRestartLevel(rules.alpha, restarts)), Number.MIN_VALUE);
}

/** Current evidence with occurredAt day ≥ `fromDay` (the window of wilson/raw and of the card). */
export function evidenceFrom(state: Pick<EvidenceState, "days">, fromDay: string): Counts {
  let successes = 0;
  let trials = 0;
  for (const [day, [s, n]] of Object.entries(state.days)) {
    if (day >= fromDay) {
      successes += s;
      trials += n;
    }
  }
  return { successes, trials };
}

/** Outcomes the demotion detector counted in the stay with day ≥ `fromDay` (its minimum sample). */
export function demotionSampleFrom(state: Pick<EvidenceState, "stayDays">, fromDay: string): Counts {
  let successes = 0;
  let trials = 0;
  for (const [day, [s, n]] of Object.entries(state.stayDays)) {
    if (day >= fromDay) {
      successes += s;
      trials += n;
    }
  }
  return { successes, trials };
}

export interface EvidencePoint {
  day: string;
  /** cumulative current evidence up to this day; null before it began */
  successes: number | null;
  trials: number | null;
  /** log10 E_n of the gate (eprocess) on that cumulative evidence; null before it began */
  log10E: number | null;
}

/**
 * The gate's statistic day by day over `days` (ascending), from the same evidence the gate reads.
 * A day without outcomes carries the previous value; days before the evidence began are null.
 */
export function evidenceSeries(
  state: Pick<EvidenceState, "days" | "evidenceSince">,
  days: readonly string[],
  bar: number | null,
): EvidencePoint[] {
  const startDay = dayKey(state.evidenceSince);
  // Days of the evidence before the plotted range still count toward the cumulative value.
  let s = 0;
  let n = 0;
  const first = days[0] ?? "";
  for (const [day, [ds, dn]] of Object.entries(state.days)) {
    if (day < first) {
      s += ds;
      n += dn;
    }
  }
  return days.map((day) => {
    if (day < startDay) return { day, successes: null, trials: null, log10E: null };
    const today = state.days[day];
    if (today) {
      s += today[0];
      n += today[1];
    }
    return { day, successes: s, trials: n, log10E: bar === null ? null : logEProcess(s, n, bar) / Math.LN10 };
  });
}
