// The one place a tier or freeze flag changes. Internal: callers (request apply, demotion, freeze)
// have already enforced the governance rules. Runs inside the caller's transaction, writes the tier
// change, the audit entry and the NOTIFY that fans the change out (delivered only on commit).
import type { Tx } from "@/lib/db/client";
import type { Tier, TierChangeCause as GatingTierChangeCause } from "@/lib/gating/types";
import { TIER_AUDIT_KIND } from "@/lib/audit/kinds";
import { appendAudit, type Actor } from "@/lib/audit/mutations";
import { freshEvidence } from "@/lib/gating/evidence-fold";
import { evidenceStateData } from "@/lib/metrics/evidence-state";

/** A new tier restarts its clock, its evidence, its α spending and its detector; the agent version carries over. */
function freshEvidenceData(now: Date) {
  const { agentVersion: _carried, ...reset } = evidenceStateData(freshEvidence(now.getTime()));
  void _carried;
  // A new tier starts any ramp schedule over, at its first step.
  return { tierSince: now, ...reset, rampStep: 0, rampStepSince: now };
}

export { TIER_CHANNEL } from "@/lib/db/channels";
import { TIER_CHANNEL } from "@/lib/db/channels";

export type TierChangeCause = Exclude<GatingTierChangeCause, SliderStepCause>;
/** Causes of a slider step change: the tier stays, the share of subjects it acts on moves. */
export type SliderStepCause = "ramp_advance" | "ramp_step_back" | "slider_change";

export interface TierChangeInput {
  actionTypeId: string;
  toTier: Tier;
  frozen: boolean;
  cause: TierChangeCause;
  actor: Actor;
  rationale: string;
  requestId?: string | null;
  /** for system changes: the breached metric */
  breached?: Record<string, unknown> | null;
}

export async function recordTierChange(tx: Tx, input: TierChangeInput, now: Date) {
  const before = await tx.actionType.findUniqueOrThrow({
    where: { id: input.actionTypeId },
    select: { id: true, agentId: true, key: true, tier: true, frozen: true },
  });
  const tierChanged = before.tier !== input.toTier;
  const after = await tx.actionType.update({
    where: { id: input.actionTypeId },
    data: {
      tier: input.toTier,
      frozen: input.frozen,
      frozenSince: input.frozen ? (before.frozen ? undefined : now) : null,
      stateVersion: { increment: 1 },
      // A new tier restarts its clock and its evidence (the e-process is valid over one sequence).
      ...(tierChanged ? freshEvidenceData(now) : {}),
    },
    select: { tier: true, frozen: true, tierSince: true, stateVersion: true },
  });
  const change = await tx.tierChange.create({
    data: {
      actionTypeId: input.actionTypeId,
      fromTier: before.tier,
      toTier: input.toTier,
      frozen: input.frozen,
      cause: input.cause,
      actorUserId: input.actor.type === "user" ? input.actor.id : null,
      actorSystem: input.breached ? (input.breached as object) : undefined,
      rationale: input.rationale,
      requestId: input.requestId ?? null,
      createdAt: now,
    },
    select: { id: true },
  });
  await appendAudit(
    tx,
    {
      actor: input.actor,
      kind: TIER_AUDIT_KIND[input.cause],
      entityType: "action_type",
      entityId: input.actionTypeId,
      agentId: before.agentId,
      actionTypeId: input.actionTypeId,
      data: {
        tierChangeId: change.id,
        from: before.tier,
        to: input.toTier,
        frozen: input.frozen,
        rationale: input.rationale,
        requestId: input.requestId ?? null,
        breached: input.breached ?? null,
      },
    },
    now,
  );
  await notifyTierChange(
    tx,
    {
      id: change.id,
      actionTypeId: input.actionTypeId,
      agentId: before.agentId,
      key: before.key,
      tier: after.tier,
      frozen: after.frozen,
      tierSince: after.tierSince,
      cause: input.cause,
    },
    now,
  );
  return {
    changeId: change.id,
    from: before.tier,
    to: after.tier,
    frozen: after.frozen,
    stateVersion: after.stateVersion,
  };
}

export interface SliderStepInput {
  actionTypeId: string;
  toStep: number;
  fromPercent: number;
  toPercent: number;
  cause: SliderStepCause;
  actor: Actor;
  rationale: string;
  requestId?: string | null;
  /** for system changes: the evidence or the breached metric */
  breached?: Record<string, unknown> | null;
}

/**
 * The one place a ramp step changes (beside recordTierChange, which it mirrors): a tier-timeline entry
 * with its cause, the audit entry (notified through its kind) and the NOTIFY that refreshes the agent
 * routes. A step back also restarts the detector: the lower step is watched afresh.
 */
export async function recordSliderStep(tx: Tx, input: SliderStepInput, now: Date) {
  const before = await tx.actionType.findUniqueOrThrow({
    where: { id: input.actionTypeId },
    select: { agentId: true, key: true, tier: true, frozen: true, tierSince: true, rampStep: true },
  });
  const after = await tx.actionType.update({
    where: { id: input.actionTypeId },
    data: {
      rampStep: input.toStep,
      rampStepSince: now,
      stateVersion: { increment: 1 },
      ...(input.cause === "ramp_step_back" ? { cusum: 0 } : {}),
    },
    select: { stateVersion: true },
  });
  const change = await tx.tierChange.create({
    data: {
      actionTypeId: input.actionTypeId,
      fromTier: before.tier,
      toTier: before.tier,
      frozen: before.frozen,
      cause: input.cause,
      actorUserId: input.actor.type === "user" ? input.actor.id : null,
      actorSystem: {
        fromStep: before.rampStep,
        toStep: input.toStep,
        fromPercent: input.fromPercent,
        toPercent: input.toPercent,
        ...(input.breached ?? {}),
      },
      rationale: input.rationale,
      requestId: input.requestId ?? null,
      createdAt: now,
    },
    select: { id: true },
  });
  await appendAudit(
    tx,
    {
      actor: input.actor,
      kind: TIER_AUDIT_KIND[input.cause],
      entityType: "action_type",
      entityId: input.actionTypeId,
      agentId: before.agentId,
      actionTypeId: input.actionTypeId,
      data: {
        tierChangeId: change.id,
        tier: before.tier,
        fromStep: before.rampStep,
        toStep: input.toStep,
        fromPercent: input.fromPercent,
        toPercent: input.toPercent,
        rationale: input.rationale,
        requestId: input.requestId ?? null,
        breached: input.breached ?? null,
      },
    },
    now,
  );
  await notifyTierChange(
    tx,
    {
      id: change.id,
      actionTypeId: input.actionTypeId,
      agentId: before.agentId,
      key: before.key,
      tier: before.tier,
      frozen: before.frozen,
      tierSince: before.tierSince,
      cause: input.cause,
    },
    now,
  );
  return { changeId: change.id, stateVersion: after.stateVersion };
}

/**
 * The NOTIFY every tier-cache and stream listens to (delivered on commit). One shape for both writers:
 * the tier cache applies it without a read, so a field missing here would go stale everywhere.
 */
async function notifyTierChange(
  tx: Tx,
  m: {
    id: string;
    actionTypeId: string;
    agentId: string;
    key: string;
    tier: Tier;
    frozen: boolean;
    tierSince: Date;
    cause: string;
  },
  now: Date,
) {
  const payload = JSON.stringify({
    id: m.id,
    actionTypeId: m.actionTypeId,
    agentId: m.agentId,
    key: m.key,
    tier: m.tier,
    frozen: m.frozen,
    tierSince: m.tierSince.toISOString(),
    cause: m.cause,
    at: now.toISOString(),
  });
  await tx.$executeRaw`SELECT pg_notify(${TIER_CHANNEL}, ${payload})`;
}
