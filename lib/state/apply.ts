// Writes what the core decided (lib/gating/action-type-state.ts), inside the caller's transaction.
// Effects are merged per row first, so one decision writes each row once: an approval that applies
// a promotion is one UPDATE of the request, one of the action type, one tier-change row with its
// NOTIFY, and one batch of audit entries.
import type { Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client.ts";
import { TIER_CHANNEL } from "@/lib/db/channels";
import { freshEvidence, type EvidenceState, type StateContext, type StateEffect } from "@cwr/gating";
import { appendAuditEntries, type AuditInput } from "@/lib/audit/mutations";
import type { AuditKind } from "@/lib/audit/kinds";

/** The agent and action type the entries are about, for the outbox's messages. */
export interface Subject {
  agentSlug: string;
  agentName: string;
  actionTypeName: string;
}

type Effect<T extends StateEffect["type"]> = Extract<StateEffect, { type: T }>;
type RequestWrite = Prisma.ReviewRequestUncheckedUpdateInput;
type TierChangeRow = Prisma.TierChangeCreateManyInput;

// Every audit kind the core writes is in the closed list (a compile error otherwise).
const auditKindIsKnown = (kind: Effect<"audit">["kind"]): AuditKind => kind;

/** The rows one decision writes, merged. */
class WritePlan {
  actionType: Prisma.ActionTypeUpdateInput = {};
  stateBumps = 0;
  readonly policies: Prisma.PolicyCreateManyInput[] = [];
  readonly opened: Prisma.ReviewRequestCreateManyInput[] = [];
  readonly reviews: Prisma.ReviewCreateManyInput[] = [];
  readonly requests = new Map<string, RequestWrite>();
  readonly tierChanges: Array<{ row: TierChangeRow; notify: string | null }> = [];
  readonly audits: AuditInput[] = [];

  constructor(
    private readonly ctx: StateContext,
    private readonly now: Date,
  ) {}

  request(id: string, data: RequestWrite) {
    this.requests.set(id, { ...this.requests.get(id), ...data });
  }

  add(e: StateEffect) {
    const at = this.ctx.actionType;
    const now = this.now;
    switch (e.type) {
      case "open_request":
        return void this.opened.push(openedRequestRow(e, at.id, now));
      case "record_review":
        return void this.reviews.push({
          requestId: e.requestId,
          reviewerId: e.review.reviewerId,
          decision: e.review.decision,
          rationale: e.review.rationale,
          snapshotHash: e.review.snapshotHash,
          createdAt: now,
        });
      case "update_request":
        return this.request(e.requestId, {
          ...(e.status ? { status: e.status } : {}),
          ...(e.snapshotHash ? { snapshotHash: e.snapshotHash } : {}),
          ...(e.decided ? { decidedAt: now } : {}),
          ...(e.applied ? { appliedAt: now } : {}),
          ...(e.statusReason !== undefined ? { statusReason: e.statusReason } : {}),
        });
      case "repin_requests":
        for (const id of e.requestIds) this.request(id, { snapshot: e.snapshot as object, policyId: e.policy.id });
        return;
      case "supersede_policy_changes":
        for (const id of e.requestIds)
          this.request(id, {
            statusReason: `superseded: the policy is now version ${e.newVersion}; open a new request against it`,
          });
        return;
      case "change_tier":
        this.stateBumps++;
        this.actionType = {
          ...this.actionType,
          tier: e.to,
          frozen: e.frozen,
          ...(e.frozen ? (e.freezesNow ? { frozenSince: now } : {}) : { frozenSince: null }),
        };
        return void this.tierChanges.push({ row: tierChangeRow(e, at.id, now), notify: null });
      case "change_ramp_step":
        this.stateBumps++;
        this.actionType = { ...this.actionType, rampStep: e.toStep, rampStepSince: now };
        return void this.tierChanges.push({ row: rampStepRow(e, at.id, now), notify: null });
      case "reset_evidence":
        this.actionType = { ...this.actionType, ...resetData(e.scope, now) };
        return;
      case "set_evidence":
        this.actionType = { ...this.actionType, ...evidenceStateData(e.evidence) };
        return;
      case "apply_policy":
        return void this.policies.push({
          id: e.policy.id,
          actionTypeId: at.id,
          version: e.policy.version,
          rules: e.policy.rules as object,
          reason: e.reason,
          createdById: e.actor.type === "user" ? e.actor.id : null,
          createdAt: now,
        });
      case "notify": {
        const change = this.tierChanges.find((c) => c.row.id === e.changeId);
        if (change) change.notify = notifyPayload(e, at, now);
        return;
      }
      case "audit":
        return void this.audits.push({
          actor: e.actor,
          kind: auditKindIsKnown(e.kind),
          entityType: e.entityType,
          entityId: e.entityId,
          ...(e.entityType === "action_type" || e.kind === "request.opened" ? { agentId: at.agentId } : {}),
          actionTypeId: at.id,
          data: e.data,
        });
    }
  }
}

/** `summary`: the row's health summary columns when the decision changed them (./health-summary.ts). */
export async function applyEffects(
  tx: Tx,
  ctx: StateContext,
  subject: Subject,
  effects: StateEffect[],
  now: Date,
  summary: Prisma.ActionTypeUpdateInput = {},
) {
  const plan = new WritePlan(ctx, now);
  for (const e of effects) plan.add(e);
  plan.actionType = { ...plan.actionType, ...summary };
  const at = ctx.actionType;
  // Parents before children: a policy before the requests pinned to it, a request before its reviews.
  if (plan.policies.length) await tx.policy.createMany({ data: plan.policies });
  if (plan.opened.length) await tx.reviewRequest.createMany({ data: plan.opened });
  if (plan.reviews.length) await tx.review.createMany({ data: plan.reviews });
  for (const [id, data] of plan.requests) await tx.reviewRequest.update({ where: { id }, data, select: { id: true } });
  if (plan.stateBumps || Object.keys(plan.actionType).length)
    await tx.actionType.update({
      where: { id: at.id },
      data: { ...plan.actionType, ...(plan.stateBumps ? { stateVersion: { increment: plan.stateBumps } } : {}) },
      select: { id: true },
    });
  for (const c of plan.tierChanges) await insertTierChange(tx, c.row, c.notify);
  const agent = { id: at.agentId, slug: subject.agentSlug, name: subject.agentName };
  await appendAuditEntries(tx, plan.audits, now, {
    actionTypes: new Map([[at.id, { id: at.id, key: at.key, name: subject.actionTypeName, agent }]]),
  });
}

function openedRequestRow(e: Effect<"open_request">, actionTypeId: string, now: Date) {
  const s = e.request;
  return {
    id: s.id,
    actionTypeId,
    kind: s.kind,
    fromTier: s.fromTier,
    toTier: s.toTier,
    requesterId: s.requesterId,
    justification: e.justification,
    policyId: e.policyId,
    snapshot: e.snapshot as object,
    snapshotHash: s.snapshotHash,
    ...(e.proposedRules ? { proposedRules: e.proposedRules as object } : {}),
    reviewersRequired: s.requiredApprovals,
    expiresAt: new Date(s.expiresAt),
    createdAt: now,
  };
}

function tierChangeRow(e: Effect<"change_tier">, actionTypeId: string, now: Date): TierChangeRow {
  return {
    id: e.changeId,
    actionTypeId,
    fromTier: e.from,
    toTier: e.to,
    frozen: e.frozen,
    cause: e.cause,
    actorUserId: e.actor.type === "user" ? e.actor.id : null,
    ...(e.breached ? { actorSystem: e.breached as object } : {}),
    rationale: e.rationale,
    requestId: e.requestId,
    createdAt: now,
  };
}

function rampStepRow(e: Effect<"change_ramp_step">, actionTypeId: string, now: Date): TierChangeRow {
  const steps = { fromStep: e.fromStep, toStep: e.toStep, fromPercent: e.fromPercent, toPercent: e.toPercent };
  return {
    id: e.changeId,
    actionTypeId,
    fromTier: e.tier,
    toTier: e.tier,
    frozen: e.frozen,
    cause: e.cause,
    actorUserId: e.actor.type === "user" ? e.actor.id : null,
    actorSystem: { ...steps, ...e.details } as object,
    rationale: e.rationale,
    requestId: null,
    createdAt: now,
  };
}

/** The NOTIFY every tier cache and stream listens to: one shape for every change (the cache applies it without a read). */
function notifyPayload(e: Effect<"notify">, at: StateContext["actionType"], now: Date): string {
  return JSON.stringify({
    id: e.changeId,
    actionTypeId: at.id,
    agentId: at.agentId,
    key: at.key,
    tier: e.tier,
    frozen: e.frozen,
    tierSince: new Date(e.tierSince).toISOString(),
    cause: e.cause,
    at: now.toISOString(),
  });
}

/** A tier-timeline row and its NOTIFY in one statement (the NOTIFY is delivered on commit). */
async function insertTierChange(tx: Tx, row: TierChangeRow, notify: string | null) {
  await tx.$queryRawUnsafe(
    `INSERT INTO tier_changes (id, "actionTypeId", "fromTier", "toTier", frozen, cause, "actorUserId", "actorSystem", rationale, "requestId", "createdAt")
     VALUES ($1::uuid, $2::uuid, $3::"Tier", $4::"Tier", $5, $6::"TierChangeCause", $7::uuid, $8::jsonb, $9, $10::uuid, $11::timestamptz)
     RETURNING id::text${notify === null ? "" : ", pg_notify($12, $13)::text AS notified"}`,
    row.id,
    row.actionTypeId,
    row.fromTier,
    row.toTier,
    row.frozen,
    row.cause,
    row.actorUserId ?? null,
    row.actorSystem === undefined ? null : JSON.stringify(row.actorSystem),
    row.rationale,
    row.requestId ?? null,
    row.createdAt instanceof Date ? row.createdAt.toISOString() : row.createdAt,
    ...(notify === null ? [] : [TIER_CHANNEL, notify]),
  );
}

/** A new tier restarts its clock, evidence, α spending, detector and ramp; the agent version carries over. */
function resetData(scope: Effect<"reset_evidence">["scope"], now: Date): Prisma.ActionTypeUpdateInput {
  if (scope === "gate_look") return { gateLook: Prisma.DbNull };
  if (scope === "detector") return { cusum: 0 };
  const { agentVersion: _carried, ...reset } = evidenceStateData(freshEvidence(now.getTime()));
  void _carried;
  return { tierSince: now, ...reset, rampStep: 0, rampStepSince: now };
}

/** Prisma update data writing the whole evidence state. */
function evidenceStateData(state: EvidenceState) {
  return {
    agentVersion: state.agentVersion,
    evidenceSince: new Date(state.evidenceSince),
    evidenceSuccesses: state.successes,
    evidenceTrials: state.trials,
    evidenceRestarts: state.restarts,
    evidenceDays: state.days,
    stayDays: state.stayDays,
    gateLook: state.look ? (state.look as unknown as Prisma.InputJsonObject) : Prisma.DbNull,
    cusum: state.cusum,
    rampSuccesses: state.step.successes,
    rampTrials: state.step.trials,
    rampSpent: state.step.spent,
    evidenceSources: state.sources as unknown as Prisma.InputJsonObject,
  };
}
