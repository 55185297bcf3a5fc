// The action type page's slider panel: RUN's percentage, the ramp schedule, each step of the current
// RUN stay with its own outcomes and the α its test ran at, and the current step's evidence in plain
// words (the pure ramp rule's own reason).
import type { Db } from "@/lib/db";
import {
  effectivePercent,
  evaluateRampAdvance,
  hasSchedule,
  rampAlpha,
  rampAlphaWords,
  sliderOf,
  stepEvidence,
} from "@cwr/gating";
import { SLIDER_STEP_CAUSES } from "@cwr/gating/types";
import { EVIDENCE_STATE_SELECT, toEvidenceState } from "@/lib/metrics/evidence-state";
import { currentPolicy } from "@/lib/policies/data";

export interface SliderPanelData {
  tier: string;
  percent: number;
  steps: number[] | null;
  minDaysPerStep: number;
  rampStep: number;
  rampStepSince: string;
  /** each step of the current RUN stay, oldest first: its own outcomes (since the exact moment it began) and its test's α */
  perStep: Array<{
    percent: number;
    from: string;
    to: string | null;
    successes: number;
    outcomes: number;
    /** α_j its step test ran at (null: a step from before the ramp spent α per step) */
    alpha: number | null;
  }>;
  /** the current step: its evidence, the α its test runs at and what the ramp waits for, in words */
  evidence: { successes: number; trials: number; alpha: number; words: string };
}

/** The ended step's own evidence, as the step change recorded it (lib/gating/action-type-state.ts). */
function recordedStep(actorSystem: unknown): { successes: number; trials: number; alpha: number | null } | null {
  const step = (actorSystem as { step?: Record<string, unknown> } | null)?.step;
  if (!step || typeof step.successes !== "number" || typeof step.trials !== "number" || typeof step.alpha !== "number")
    return null;
  // A step that held no outcome tested nothing and spent no α.
  return { successes: step.successes, trials: step.trials, alpha: step.trials > 0 ? step.alpha : null };
}

export async function sliderPanelData(db: Db, actionTypeId: string, now = new Date()): Promise<SliderPanelData> {
  const at = await db.actionType.findUniqueOrThrow({
    where: { id: actionTypeId },
    select: {
      tier: true,
      tierSince: true,
      frozen: true,
      rampStep: true,
      rampStepSince: true,
      ...EVIDENCE_STATE_SELECT,
    },
  });
  const policy = await currentPolicy(db, actionTypeId);
  const slider = sliderOf(policy.rules);
  const state = toEvidenceState(at);
  const changes = await db.tierChange.findMany({
    where: { actionTypeId, cause: { in: [...SLIDER_STEP_CAUSES] }, createdAt: { gte: at.tierSince } },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true, actorSystem: true },
  });
  const percentOf = (c: (typeof changes)[number] | undefined, key: "fromPercent" | "toPercent") =>
    Number((c?.actorSystem as Record<string, unknown> | null)?.[key] ?? effectivePercent(slider, at.rampStep));
  // Step boundaries of this stay: its start, then every step change (with the percentage it moved to).
  const bounds = [{ from: at.tierSince, percent: percentOf(changes[0], "fromPercent") }];
  for (const c of changes) bounds.push({ from: c.createdAt, percent: percentOf(c, "toPercent") });
  const currentAlpha = rampAlpha(policy.rules.alpha, state.step.spent);
  const perStep: SliderPanelData["perStep"] = [];
  for (const [i, b] of bounds.entries()) {
    if (at.tier !== "RUN") break;
    const ending = changes[i];
    const to = ending?.createdAt ?? null;
    const recorded = ending ? recordedStep(ending.actorSystem) : null;
    const counts = !ending
      ? { successes: state.step.successes, trials: state.step.trials, alpha: currentAlpha as number | null }
      : (recorded ?? { ...(await runOutcomesBetween(db, actionTypeId, b.from, ending.createdAt)), alpha: null });
    perStep.push({
      percent: b.percent,
      from: b.from.toISOString(),
      to: to?.toISOString() ?? null,
      successes: counts.successes,
      outcomes: counts.trials,
      alpha: counts.alpha,
    });
  }
  const verdict = evaluateRampAdvance({
    tier: at.tier,
    frozen: at.frozen,
    slider,
    rampStep: at.rampStep,
    rampStepSince: at.rampStepSince.getTime(),
    now: now.getTime(),
    rules: policy.rules,
    evidence: state,
  });
  const counts = stepEvidence({ evidence: state });
  const percent = effectivePercent(slider, at.rampStep);
  const words =
    at.tier !== "RUN"
      ? `Not in RUN: the slider applies once the action type reaches RUN (it would act on ${percent}% of external subjects).`
      : !hasSchedule(slider)
        ? `${counts.successes} of ${counts.trials} outcomes since ${at.rampStepSince.toISOString().slice(0, 10)} were successes; the slider is fixed at ${percent}%.`
        : `${counts.successes} of ${counts.trials} outcomes at this step (since it began, ${at.rampStepSince.toISOString().replace("T", " ").slice(0, 16)} UTC) were successes; ${rampAlphaWords(policy.rules.alpha, state.step.spent)}. ${verdict.action === "advance" ? `Ready to advance: ${verdict.reason}.` : `The ramp holds at ${percent}%: ${verdict.reason}.`} A step advances only on the anytime-valid e-process, whatever gate the policy names for tiers.`;
  return {
    tier: at.tier,
    percent,
    steps: hasSchedule(slider) ? slider.steps : null,
    minDaysPerStep: slider.minDaysPerStep ?? 0,
    rampStep: at.rampStep,
    rampStepSince: at.rampStepSince.toISOString(),
    perStep,
    evidence: { ...counts, alpha: currentAlpha, words },
  };
}

/** RUN outcomes that occurred in [from, to): a step recorded before step changes carried their own counts. */
async function runOutcomesBetween(db: Db, actionTypeId: string, from: Date, to: Date) {
  const where = { actionTypeId, tier: "RUN" as const, occurredAt: { gte: from, lt: to } };
  const [trials, successes] = await Promise.all([
    db.outcomeEvent.count({ where: { ...where, kind: { in: ["outcome_positive", "outcome_negative"] } } }),
    db.outcomeEvent.count({ where: { ...where, kind: "outcome_positive" } }),
  ]);
  return { successes, trials };
}
