// SPEC §3 rule 6: a loosening needs review, a tightening applies at once.
// "Loosen" means: easier to promote, or slower to demote. Every field is
// classified; a change that loosens anything makes the whole change a loosening.

import { restartAlpha } from "./alpha-spending";
import { cusumArlBracket, cusumComparisonGrid, cusumIncrements } from "./cusum-arl";
import { cusumParams, DEFAULT_DEMOTION_ARL, type CusumParams } from "./demotion";
import { sliderOf, type SliderRules } from "./slider";
import { formatBar } from "./format";
import { comparePools } from "./reviewer-pool";
import { GATES, gateOf } from "./gates";
import { defaultFailureRate } from "./statistics";
import { DEFAULT_PROPOSAL_EXPIRY_HOURS } from "./defaults";
import { SEVERITIES, TIERS } from "./types";
import type { GateMethod, PolicyRules, Tier } from "./types";

export type Direction = "tighten" | "loosen";

export interface PolicyFieldChange {
  path: string;
  from: unknown;
  to: unknown;
  direction: Direction;
}

export interface PolicyChange {
  verdict: "unchanged" | "tighten" | "loosen";
  /** every changed field, for display */
  changes: PolicyFieldChange[];
  /** the operating characteristics that moved, which decide the verdict with the fields */
  effects: OperatingEffect[];
}

/** For numbers: which way is tighter. */
type Tighter = "higher" | "lower";

/**
 * Direction of every field, with the reason:
 * - gate: eprocess > wilson > raw in strictness (wilson ignores repeated looks, raw ignores uncertainty).
 * - alpha (promotion): larger = easier to clear → loosen.
 * - demotionAlpha: larger = lower alarm level ln(1/α) → demotes more readily → tighten.
 * - incidentSeverity: a higher severity needed to demote → loosen.
 * - reviewPeriodDays: longer = approvals may ride on older evidence → loosen (as the lead specified).
 * - windowDays: shorter = loosen (SPEC rule 6): fewer outcomes reach the demotion sample and the wilson/raw look.
 * - promotion threshold/minSamples/minDaysInTier/reviewers: lower = loosen.
 * - promotion pool (who may approve): admitting anyone new = loosen; narrowing = tighten.
 * - demotion threshold: lower = tolerates a worse rate before demoting → loosen.
 * - demotion minSamples: higher = waits longer before it may demote → loosen.
 * - demotion failureRate q1 (effective, default resolved): the CUSUM's drift turns
 *   positive at a failure rate between q0 and q1 that rises with q1, so a higher q1
 *   tolerates more failures → loosen.
 * - a bar added/removed: a tier without a demotion bar never demotes (removing = loosen);
 *   without a promotion bar it can never be promoted (removing = tighten).
 */
const PROMOTION_FIELDS: ReadonlyArray<["threshold" | "minSamples" | "minDaysInTier" | "reviewers", Tighter]> = [
  ["threshold", "higher"],
  ["minSamples", "higher"],
  ["minDaysInTier", "higher"],
  ["reviewers", "higher"],
];

function numeric(
  changes: PolicyFieldChange[],
  path: string,
  from: number,
  to: number,
  tighter: Tighter,
  tolerance = 0,
): void {
  if (Math.abs(from - to) <= tolerance || from === to) return;
  const up = to > from;
  changes.push({ path, from, to, direction: up === (tighter === "higher") ? "tighten" : "loosen" });
}

function ordinal(
  changes: PolicyFieldChange[],
  path: string,
  from: string,
  to: string,
  rank: (v: string) => number,
): void {
  if (from === to) return;
  changes.push({ path, from, to, direction: rank(to) > rank(from) ? "tighten" : "loosen" });
}

export function classifyPolicyChange(before: PolicyRules, after: PolicyRules): PolicyChange {
  const changes: PolicyFieldChange[] = [];
  const effects = operatingEffects(before, after);
  const demotionDirection = (tier: string): Direction =>
    effects.some((e) => e.tier === tier && e.area === "demotion" && e.direction === "loosen") ? "loosen" : "tighten";

  ordinal(changes, "gate", before.gate, after.gate, (g) => GATES[g as GateMethod]?.strictness ?? -1);
  numeric(changes, "alpha", before.alpha, after.alpha, "lower");
  // The alarm level comes from demotionArl now: demotionAlpha makes no detector slower or faster.
  if (before.demotionAlpha !== after.demotionAlpha)
    changes.push({ path: "demotionAlpha", from: before.demotionAlpha, to: after.demotionAlpha, direction: "tighten" });
  if ((before.demotionArl ?? DEFAULT_DEMOTION_ARL) !== (after.demotionArl ?? DEFAULT_DEMOTION_ARL)) {
    const slower = effects.some((e) => e.area === "demotion" && e.direction === "loosen");
    changes.push({
      path: "demotionArl",
      from: before.demotionArl ?? DEFAULT_DEMOTION_ARL,
      to: after.demotionArl ?? DEFAULT_DEMOTION_ARL,
      direction: slower ? "loosen" : "tighten",
    });
  }
  // Lower severity index = any smaller incident demotes = stricter.
  ordinal(
    changes,
    "incidentSeverity",
    before.incidentSeverity,
    after.incidentSeverity,
    (s) => -SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]),
  );
  numeric(changes, "reviewPeriodDays", before.reviewPeriodDays, after.reviewPeriodDays, "lower");
  // A longer-lived proposal grants an execution on an older decision: a loosening.
  const expiry = (r: PolicyRules) => r.proposalExpiryHours ?? DEFAULT_PROPOSAL_EXPIRY_HOURS;
  numeric(changes, "proposalExpiryHours", expiry(before), expiry(after), "lower");

  for (const tier of TIERS) {
    const b = before.tiers[tier];
    const a = after.tiers[tier];
    const base = `tiers.${tier}`;
    // Shorter is a loosening (fewer outcomes reach the demotion sample; SPEC rule 6 names it). Longer
    // tightens unless the gate reads the window (raw): what that does to promotion is not derivable.
    if (b.windowDays !== a.windowDays) {
      const readsWindow =
        (gateOf(before.gate).reads === "window" || gateOf(after.gate).reads === "window") &&
        (b.promotion || a.promotion);
      changes.push({
        path: `${base}.windowDays`,
        from: b.windowDays,
        to: a.windowDays,
        direction: a.windowDays > b.windowDays && !readsWindow ? "tighten" : "loosen",
      });
    }

    // Attested evidence excludes the agent's own reports from promotion: dropping it loosens.
    const evidenceBefore = b.evidence ?? "any";
    const evidenceAfter = a.evidence ?? "any";
    if (evidenceBefore !== evidenceAfter)
      changes.push({
        path: `${base}.evidence`,
        from: evidenceBefore,
        to: evidenceAfter,
        direction: evidenceAfter === "attested" ? "tighten" : "loosen",
      });

    if (b.promotion && a.promotion) {
      for (const [field, tighter] of PROMOTION_FIELDS)
        numeric(changes, `${base}.promotion.${field}`, b.promotion[field], a.promotion[field], tighter);
      const lookBefore = b.promotion.lookAt ?? b.promotion.minSamples;
      const lookAfter = a.promotion.lookAt ?? a.promotion.minSamples;
      if (b.promotion.lookAt !== a.promotion.lookAt && lookBefore !== lookAfter)
        numeric(changes, `${base}.promotion.lookAt`, lookBefore, lookAfter, "higher");
      // Who may approve: admitting anyone new loosens, narrowing tightens (reviewer-pool.ts).
      const pool = comparePools(b.promotion.pool, a.promotion.pool);
      if (pool !== "unchanged")
        changes.push({
          path: `${base}.promotion.pool`,
          from: b.promotion.pool ?? null,
          to: a.promotion.pool ?? null,
          direction: pool,
        });
    } else if (b.promotion || a.promotion) {
      changes.push({
        path: `${base}.promotion`,
        from: b.promotion ?? null,
        to: a.promotion ?? null,
        direction: a.promotion ? "loosen" : "tighten",
      });
    }

    if (b.demotion && a.demotion) {
      if (b.demotion.threshold !== a.demotion.threshold)
        changes.push({
          path: `${base}.demotion.threshold`,
          from: b.demotion.threshold,
          to: a.demotion.threshold,
          direction: demotionDirection(tier),
        });
      numeric(changes, `${base}.demotion.minSamples`, b.demotion.minSamples, a.demotion.minSamples, "lower");
      // Only an explicit change of failureRate is reported; when both are the
      // default it follows the threshold, whose change is already listed.
      if (b.demotion.failureRate !== a.demotion.failureRate) {
        const from = b.demotion.failureRate ?? defaultFailureRate(1 - b.demotion.threshold);
        const to = a.demotion.failureRate ?? defaultFailureRate(1 - a.demotion.threshold);
        // Tolerance: the default 2·q0 carries binary noise (2·(1 − 0.8) = 0.3999…).
        if (Math.abs(from - to) > 1e-12)
          changes.push({ path: `${base}.demotion.failureRate`, from, to, direction: demotionDirection(tier) });
      }
    } else if (b.demotion || a.demotion) {
      changes.push({
        path: `${base}.demotion`,
        from: b.demotion ?? null,
        to: a.demotion ?? null,
        direction: a.demotion ? "tighten" : "loosen",
      });
    }
  }

  sliderChanges(changes, sliderOf(before), sliderOf(after));

  const loosens = changes.some((c) => c.direction === "loosen") || effects.some((e) => e.direction === "loosen");
  const verdict =
    changes.length === 0 && effects.every((e) => e.direction === "unchanged")
      ? "unchanged"
      : loosens
        ? "loosen"
        : "tighten";
  return { verdict, changes, effects: effects.filter((e) => e.direction !== "unchanged") };
}

// ---- Operating characteristics (SPEC §3 rule 6: judged by what a change does) ----

export interface OperatingEffect {
  tier: string;
  area: "promotion" | "demotion";
  measure: string;
  from: number | string;
  to: number | string;
  /** loosen: the gate got easier or the detector slower (or it cannot be derived) */
  direction: Direction | "unchanged";
}

/** Relative tolerance for comparing computed characteristics (binary noise, not policy). */
const REL = 1e-9;
const worse = (before: number, after: number, higherIsEasier: boolean) =>
  higherIsEasier ? after > before * (1 + REL) + 1e-12 : after < before * (1 - REL) - 1e-12;
const better = (before: number, after: number, higherIsEasier: boolean) => worse(after, before, higherIsEasier);

function effect(
  tier: string,
  area: OperatingEffect["area"],
  measure: string,
  from: number,
  to: number,
  higherIsEasier: boolean,
): OperatingEffect {
  const direction =
    !Number.isFinite(from) && !Number.isFinite(to) && from === to
      ? "unchanged"
      : Number.isNaN(from) || Number.isNaN(to)
        ? "loosen"
        : worse(from, to, higherIsEasier)
          ? "loosen"
          : better(from, to, higherIsEasier)
            ? "tighten"
            : "unchanged";
  return { tier, area, measure, from, to, direction };
}

/** P(promoted | true rate at the bar) of the stay's first evidence, by the tier's gate: exact, or the e-process's bound. */
function falsePromotionOf(rules: PolicyRules, tier: Tier) {
  return gateOf(rules.gate).falsePromotionAtBar(rules.tiers[tier].promotion!, restartAlpha(rules.alpha, 0));
}

/** Fewest outcomes that can clear the tier's gate at all (every one a success). */
function evidenceNeededOf(rules: PolicyRules, tier: Tier): number {
  return gateOf(rules.gate).evidenceNeeded(rules.tiers[tier].promotion!, restartAlpha(rules.alpha, 0));
}

/**
 * Per tier: the promotion gate's false-promotion bound, evidence needed and look schedule; the
 * demotion detector's false-alarm run length at the old threshold rate q0 and its detection delay
 * at the old alarm rate q1. Anything that cannot be computed counts as a loosening.
 */
export function operatingEffects(before: PolicyRules, after: PolicyRules): OperatingEffect[] {
  const out: OperatingEffect[] = [];
  for (const tier of TIERS) {
    if (before.tiers[tier].promotion && after.tiers[tier].promotion) {
      // Exact probabilities where the gate has them (one look, raw); the e-process's Ville bound otherwise.
      const fb = falsePromotionOf(before, tier);
      const fa = falsePromotionOf(after, tier);
      const word = (f: { exact: boolean }) => (f.exact ? "exact" : "bound");
      out.push(
        effect(tier, "promotion", `false promotion at the bar (${word(fb)} → ${word(fa)})`, fb.value, fa.value, true),
      );
      try {
        out.push(
          effect(
            tier,
            "promotion",
            "evidence needed (outcomes)",
            evidenceNeededOf(before, tier),
            evidenceNeededOf(after, tier),
            false,
          ),
        );
      } catch {
        out.push({
          tier,
          area: "promotion",
          measure: "evidence needed (outcomes)",
          from: "?",
          to: "?",
          direction: "loosen",
        });
      }
      const lookOf = (r: PolicyRules) => gateOf(r.gate).lookAt(r.tiers[tier].promotion!);
      const schedule = (r: PolicyRules) => {
        const at = lookOf(r);
        return at === null ? "every outcome" : `one look at ${at}`;
      };
      const sb = schedule(before);
      const sa = schedule(after);
      // A wilson look moved later needs more evidence (tighter); earlier, or to/from continuous looks
      // without the e-process's guarantee, is a loosening. eprocess ↔ raw both look at every outcome.
      if (sb !== sa) {
        const lb = lookOf(before);
        const la = lookOf(after);
        const tighter =
          lb !== null && la !== null ? la > lb : gateOf(after.gate).strictness > gateOf(before.gate).strictness;
        out.push({
          tier,
          area: "promotion",
          measure: "look schedule",
          from: sb,
          to: sa,
          direction: tighter ? "tighten" : "loosen",
        });
      }
    }
    const db = before.tiers[tier].demotion;
    const da = after.tiers[tier].demotion;
    if (tier !== "CRAWL" && db && da) {
      try {
        out.push(...detectorEffects(tier, cusumParams(before, tier), cusumParams(after, tier)));
      } catch {
        out.push({ tier, area: "demotion", measure: "detector", from: "?", to: "?", direction: "loosen" });
      }
    }
  }
  return out;
}

/**
 * Is the after detector slower than the before one? With q0 and q1 unchanged the two are the same
 * walk with different alarm levels, so h decides exactly (a higher h alarms later at every rate).
 * Otherwise both are evaluated on one shared grid that brackets each real run length; the change
 * tightens a measure only when the after detector's upper bound is below the before one's lower
 * bound — an overlap (a near-tie within the grid's stated error) counts as a loosening.
 */
function detectorEffects(tier: string, pb: CusumParams, pa: CusumParams): OperatingEffect[] {
  if (!Number.isFinite(pb.threshold) || !Number.isFinite(pa.threshold)) throw new Error("no detector");
  // Rates equal up to binary noise (the default 2·q0 is 0.3999… for q0 = 0.2) are the same walk.
  const same = (x: number, y: number) => Math.abs(x - y) <= 1e-12;
  if (same(pb.q0, pa.q0) && same(pb.q1, pa.q1))
    return [effect(tier, "demotion", "alarm level h (same q0 and q1)", pb.threshold, pa.threshold, true)];
  // Pathwise: scaled by h, a walk that rises at least as much and falls no more alarms no later on
  // every sequence of outcomes (and the reverse alarms no earlier) — exact, no grid needed.
  const ib = cusumIncrements(pb.q0, pb.q1);
  const ia = cusumIncrements(pa.q0, pa.q1);
  const upRatio = ia.up / pa.threshold / (ib.up / pb.threshold);
  const downRatio = ia.down / pa.threshold / (ib.down / pb.threshold);
  if (upRatio >= 1 && downRatio <= 1 && (upRatio > 1 || downRatio < 1))
    return [
      {
        tier,
        area: "demotion",
        measure: "detector alarms no later on every outcome sequence",
        from: "",
        to: "",
        direction: "tighten",
      },
    ];
  const grid = cusumComparisonGrid([pb.q0, pb.q1], [pa.q0, pa.q1]);
  const compared = (measure: string, rate: number): OperatingEffect => {
    const b = cusumArlBracket(pb.q0, pb.q1, pb.threshold, rate, grid);
    const a = cusumArlBracket(pa.q0, pa.q1, pa.threshold, rate, grid);
    const faster = a.upper < b.lower; // NaN compares false: not derivable is a loosening
    const error = `grid step ${grid.u.toPrecision(2)}: before ${round(b.lower)}–${round(b.upper)}, after ${round(a.lower)}–${round(a.upper)}`;
    return {
      tier,
      area: "demotion",
      measure: `${measure} (${error})`,
      from: b.lower,
      to: a.upper,
      direction: faster ? "tighten" : "loosen",
    };
  };
  return [
    compared(`false-alarm run length at q0 = ${formatBar(pb.q0)}`, pb.q0),
    compared(`mean detection delay at q1 = ${formatBar(pb.q1)}`, pb.q1),
  ];
}

const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toLocaleString("en-US") : "?");

// ---- The autonomy slider (SPEC §7): raising the exposure is a loosening, lowering it tightens ----

/** The percentage at each step of the ramp (a fixed percent is a one-step ramp), the last one held. */
function exposureAt(slider: SliderRules, i: number): number {
  const steps = slider.steps && slider.steps.length > 0 ? slider.steps : [slider.percent];
  return steps[Math.min(i, steps.length - 1)]!;
}

/**
 * A slider change loosens when any step of the ramp would expose more subjects than before (raising
 * a percentage, adding or removing a step, a higher cap) or a step may advance sooner; otherwise it
 * tightens (lowering is immediate).
 */
function sliderChanges(changes: PolicyFieldChange[], b: SliderRules, a: SliderRules): void {
  if (canonicalSlider(b) === canonicalSlider(a)) return;
  const n = Math.max(b.steps?.length ?? 1, a.steps?.length ?? 1);
  let higher = false;
  for (let i = 0; i < n; i++) if (exposureAt(a, i) > exposureAt(b, i)) higher = true;
  const steps = (s: SliderRules) => (s.steps && s.steps.length > 0 ? s.steps : null);
  if (!higher && steps(a) && steps(b) && (a.minDaysPerStep ?? 0) < (b.minDaysPerStep ?? 0)) higher = true;
  changes.push({ path: "slider", from: b, to: a, direction: higher ? "loosen" : "tighten" });
}

function canonicalSlider(s: SliderRules): string {
  const steps = s.steps && s.steps.length > 0 ? s.steps : null;
  return JSON.stringify(steps ? { steps, minDaysPerStep: s.minDaysPerStep ?? 0 } : { percent: s.percent });
}
