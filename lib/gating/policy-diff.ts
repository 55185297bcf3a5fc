// SPEC §3 rule 6: a loosening needs review, a tightening applies at once.
// "Loosen" means: easier to promote, or slower to demote. Every field is
// classified; a change that loosens anything makes the whole change a loosening.

import { logRestartLevel, restartAlpha } from "./alpha-spending";
import { cusumRunLength } from "./cusum-arl";
import { cusumParams, DEFAULT_DEMOTION_ARL } from "./demotion";
import { lookAtOf } from "./evidence-fold";
import { sliderOf, type SliderRules } from "./slider";
import { formatBar } from "./format";
import { evidenceNeeded } from "./promotion-oc";
import { defaultFailureRate, wilsonLowerBound } from "./statistics";
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

const GATE_STRICTNESS: Record<GateMethod, number> = { eprocess: 2, wilson: 1, raw: 0 };

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

  ordinal(changes, "gate", before.gate, after.gate, (g) => GATE_STRICTNESS[g as GateMethod] ?? -1);
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
      const readsWindow = (before.gate === "raw" || after.gate === "raw") && (b.promotion || a.promotion);
      changes.push({
        path: `${base}.windowDays`,
        from: b.windowDays,
        to: a.windowDays,
        direction: a.windowDays > b.windowDays && !readsWindow ? "tighten" : "loosen",
      });
    }

    if (b.promotion && a.promotion) {
      for (const [field, tighter] of PROMOTION_FIELDS)
        numeric(changes, `${base}.promotion.${field}`, b.promotion[field], a.promotion[field], tighter);
      const lookBefore = b.promotion.lookAt ?? b.promotion.minSamples;
      const lookAfter = a.promotion.lookAt ?? a.promotion.minSamples;
      if (b.promotion.lookAt !== a.promotion.lookAt && lookBefore !== lookAfter)
        numeric(changes, `${base}.promotion.lookAt`, lookBefore, lookAfter, "higher");
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

/** False-promotion bound of a gate: α for the anytime-valid e-process and the one-look wilson; none (1) for raw. */
function falsePromotionBound(rules: PolicyRules): number {
  return rules.gate === "raw" ? 1 : rules.alpha;
}

/** Fewest outcomes that can clear the tier's gate at all (every one a success). */
function evidenceNeededOf(rules: PolicyRules, tier: Tier): number {
  const bar = rules.tiers[tier].promotion!;
  if (rules.gate === "raw") return bar.minSamples;
  if (rules.gate === "wilson") {
    const lookAt = lookAtOf(rules, tier) ?? bar.minSamples;
    return wilsonLowerBound(lookAt, lookAt, restartAlpha(rules.alpha, 0)) >= bar.threshold
      ? Math.max(lookAt, bar.minSamples)
      : Infinity;
  }
  return evidenceNeeded(bar.threshold, logRestartLevel(rules.alpha, 0), bar.minSamples) ?? Infinity;
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
      out.push(
        effect(
          tier,
          "promotion",
          "false-promotion bound",
          falsePromotionBound(before),
          falsePromotionBound(after),
          true,
        ),
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
      const schedule = (r: PolicyRules) => (r.gate === "wilson" ? `one look at ${lookAtOf(r, tier)}` : "every outcome");
      const sb = schedule(before);
      const sa = schedule(after);
      // A wilson look moved later needs more evidence (tighter); earlier, or to/from continuous looks
      // without the e-process's guarantee, is a loosening. eprocess ↔ raw both look at every outcome.
      if (sb !== sa) {
        const tighter =
          before.gate === "wilson" && after.gate === "wilson"
            ? (lookAtOf(after, tier) ?? 0) > (lookAtOf(before, tier) ?? 0)
            : GATE_STRICTNESS[after.gate] > GATE_STRICTNESS[before.gate];
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
        const pb = cusumParams(before, tier);
        const pa = cusumParams(after, tier);
        if (!Number.isFinite(pb.threshold) || !Number.isFinite(pa.threshold)) throw new Error("no detector");
        // Both detectors judged at the old policy's rates: what it promised to tolerate and to catch.
        out.push(
          effect(
            tier,
            "demotion",
            `false-alarm run length at q0 = ${formatBar(pb.q0)}`,
            cusumRunLength(pb.q0, pb.q1, pb.threshold, pb.q0),
            cusumRunLength(pa.q0, pa.q1, pa.threshold, pb.q0),
            true,
          ),
        );
        out.push(
          effect(
            tier,
            "demotion",
            `detection delay at q1 = ${formatBar(pb.q1)}`,
            cusumRunLength(pb.q0, pb.q1, pb.threshold, pb.q1),
            cusumRunLength(pa.q0, pa.q1, pa.threshold, pb.q1),
            true,
          ),
        );
      } catch {
        out.push({ tier, area: "demotion", measure: "detector", from: "?", to: "?", direction: "loosen" });
      }
    }
  }
  return out;
}

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
