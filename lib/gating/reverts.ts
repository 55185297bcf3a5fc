// Reverts (SPEC §2 Metric): an `action.reverted` that names the event it reverts turns that success into
// a failure instead of adding a trial. Which reverts are valid, and what a valid one does, are decided
// here once; the ingest (validity, rollups) and the evidence fold call these. Pure.
import { outcomeOf } from "./outcomes";
import type { EventKind, Tier } from "./types";

/** The event a revert names, as stored (or sent earlier in the same batch). */
export interface RevertTarget {
  kind: EventKind;
  tier: Tier;
  occurredAt: number;
  agentVersion: string | null;
  /** of the same agent and action type as the revert */
  sameActionType: boolean;
}

/**
 * null when the revert may be stored; otherwise why not. A revert names an action.completed of the same
 * agent and action type, not reverted already, and occurs strictly after it: at the same instant the
 * order in which the fold met the two would decide whether the success is undone.
 */
export function revertProblem(
  revert: { reverts: string; occurredAt: number },
  target: RevertTarget | undefined,
  alreadyReverted: boolean,
): string | null {
  const key = revert.reverts;
  if (!target || !target.sameActionType) return `reverts names no event of this agent and action type: ${key}`;
  if (target.kind !== "action.completed") return `reverts must name an action.completed, ${key} is a ${target.kind}`;
  if (alreadyReverted) return `${key} is already reverted`;
  const at = new Date(target.occurredAt).toISOString();
  if (revert.occurredAt < target.occurredAt) return `a revert cannot occur before the event it reverts (${at})`;
  if (revert.occurredAt === target.occurredAt) return `a revert must occur after the event it reverts (${at})`;
  return null;
}

/**
 * What a valid revert does: the success it names becomes a failure on that event's own tier and day
 * (the revert is no trial of its own). null when the named event counted as no success.
 */
export function revertedSuccess(
  target: Pick<RevertTarget, "kind" | "tier" | "occurredAt">,
): { tier: Tier; occurredAt: number } | null {
  return outcomeOf(target.kind, target.tier) === "success"
    ? { tier: target.tier, occurredAt: target.occurredAt }
    : null;
}
