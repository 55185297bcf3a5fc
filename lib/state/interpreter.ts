// The one writer of an action type's state. Every mutation has one shape: lock → load the context once →
// decide (lib/gating/action-type-state.ts, pure) → apply the effects → audit, inside the caller's
// transaction. Tier changes, policy versions, request transitions and re-pins are written here and
// nowhere else; their follow-ups are part of the decision, so no caller can forget one.
import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client.ts";
import { TIER_CHANNEL } from "@/lib/db/channels";
import {
  decideStateChange,
  freshEvidence,
  type Answer,
  type AuditEffect,
  type EvidenceState,
  type LiveRequest,
  type StateCommand,
  type StateContext,
  type StateDeps,
  type StateEffect,
  type StateRefusal,
} from "@/lib/gating";
import type { PolicyRules, RequestKind, RequestStatus, ReviewDecision, Tier } from "@/lib/gating/types";
import { appendAuditEntries, type AuditInput } from "@/lib/audit/mutations";
import type { AuditKind } from "@/lib/audit/kinds";
import { domainError, notFound, type ErrorCode } from "@/lib/errors";
import { toEvidenceState, type EvidenceStateRow } from "@/lib/metrics/evidence-state";
import { blocksNewRequest, evidenceView } from "@/lib/metrics/evidence";
import { policyRulesSchema } from "@/lib/gating/policy-schema";
import { pinSnapshot } from "@/lib/metrics/snapshot";

// Every refusal of the core is one of the error model's codes; every audit kind it writes is in the closed list.
const refusalIsErrorCode = (code: StateRefusal["code"]): ErrorCode => code;
const auditKindIsKnown = (kind: AuditEffect["kind"]): AuditKind => kind;

export type StateTarget = { actionTypeId: string } | { requestId: string };

interface Subject {
  agentSlug: string;
  agentName: string;
  actionTypeName: string;
}

interface Loaded {
  ctx: StateContext;
  subject: Subject;
}

type ActionTypeRow = EvidenceStateRow & {
  id: string;
  agentId: string;
  key: string;
  name: string;
  tier: Tier;
  tierSince: Date;
  frozen: boolean;
  stateVersion: number;
  rampStep: number;
  rampStepSince: Date;
  agentSlug: string;
  agentName: string;
  policy: { id: string; version: number; rules: unknown } | null;
};

type RequestRow = {
  id: string;
  kind: RequestKind;
  status: RequestStatus;
  requesterId: string;
  fromTier: Tier | null;
  toTier: Tier | null;
  snapshotHash: string;
  reviewersRequired: number;
  expiresAt: Date;
  proposedRules: unknown;
  snapshotStateVersion: string | null;
  policyId: string;
  policyVersion: number;
  policyRules: unknown;
  reviews: Array<{ reviewerId: string; decision: ReviewDecision; snapshotHash: string; rationale: string; at: string }>;
};

const rules = (raw: unknown): PolicyRules => policyRulesSchema.parse(raw) as PolicyRules;

/**
 * Locks the action type (and its live requests, in that order: the lock order everywhere) and loads
 * all a decision reads, in two statements: the action type with its agent and current policy, then
 * its open and approved requests (and the named one) with their reviews and pinned policies.
 */
async function loadContext(tx: Tx, target: StateTarget): Promise<Loaded> {
  const byRequest = "requestId" in target;
  const [at] = await tx.$queryRawUnsafe<ActionTypeRow[]>(
    `SELECT a.id::text AS id, a."agentId"::text AS "agentId", a.key, a.name, a.tier::text AS tier, a."tierSince",
       a.frozen, a."stateVersion", a."rampStep", a."rampStepSince", a."agentVersion", a."evidenceSince",
       a."evidenceSuccesses", a."evidenceTrials", a."evidenceRestarts", a."evidenceDays", a."stayDays",
       a."gateLook", a.cusum, g.slug AS "agentSlug", g.name AS "agentName",
       (SELECT json_build_object('id', p.id, 'version', p.version, 'rules', p.rules) FROM policies p
         WHERE p."actionTypeId" = a.id ORDER BY p.version DESC LIMIT 1) AS policy
     FROM action_types a JOIN agents g ON g.id = a."agentId"
     WHERE a.id = ${byRequest ? `(SELECT r."actionTypeId" FROM review_requests r WHERE r.id = $1::uuid)` : `$1::uuid`}
     FOR UPDATE OF a`,
    byRequest ? target.requestId : target.actionTypeId,
  );
  if (!at) throw notFound(byRequest ? "Request" : "Action type");
  if (!at.policy) throw new Error(`action type ${at.id} has no policy`);
  const requestRows = await tx.$queryRawUnsafe<RequestRow[]>(
    `SELECT r.id::text AS id, r.kind::text AS kind, r.status::text AS status, r."requesterId"::text AS "requesterId",
       r."fromTier"::text AS "fromTier", r."toTier"::text AS "toTier", r."snapshotHash", r."reviewersRequired",
       r."expiresAt", r."proposedRules", r.snapshot->'actionType'->>'stateVersion' AS "snapshotStateVersion",
       p.id::text AS "policyId", p.version AS "policyVersion", p.rules AS "policyRules",
       COALESCE((SELECT json_agg(json_build_object('reviewerId', v."reviewerId", 'decision', v.decision,
           'snapshotHash', v."snapshotHash", 'rationale', v.rationale, 'at', v."createdAt") ORDER BY v."createdAt")
         FROM reviews v WHERE v."requestId" = r.id), '[]'::json) AS reviews
     FROM review_requests r JOIN policies p ON p.id = r."policyId"
     WHERE r."actionTypeId" = $1::uuid AND (r.status IN ('open', 'approved') OR r.id = $2::uuid)
     ORDER BY r.id FOR UPDATE OF r`,
    at.id,
    byRequest ? target.requestId : null,
  );
  if (byRequest && !requestRows.some((r) => r.id === target.requestId)) throw notFound("Request");
  const ctx: StateContext = {
    actionType: {
      id: at.id,
      agentId: at.agentId,
      key: at.key,
      tier: at.tier,
      tierSince: new Date(at.tierSince).getTime(),
      frozen: at.frozen,
      stateVersion: at.stateVersion,
      rampStep: at.rampStep,
      rampStepSince: new Date(at.rampStepSince).getTime(),
      evidence: toEvidenceState({ ...at, evidenceSince: new Date(at.evidenceSince) }),
    },
    policy: { id: at.policy.id, version: at.policy.version, rules: rules(at.policy.rules) },
    requests: requestRows.map(toLiveRequest),
  };
  return { ctx, subject: { agentSlug: at.agentSlug, agentName: at.agentName, actionTypeName: at.name } };
}

function toLiveRequest(r: RequestRow): LiveRequest {
  return {
    state: {
      id: r.id,
      kind: r.kind,
      status: r.status,
      requesterId: r.requesterId,
      fromTier: r.fromTier,
      toTier: r.toTier,
      snapshotHash: r.snapshotHash,
      requiredApprovals: r.reviewersRequired,
      expiresAt: new Date(r.expiresAt).getTime(),
      policyVersionPinned: r.policyVersion,
      ...(r.proposedRules ? { proposedPolicy: rules(r.proposedRules) } : {}),
      reviews: r.reviews.map((v) => ({
        reviewerId: v.reviewerId,
        decision: v.decision,
        snapshotHash: v.snapshotHash,
        rationale: v.rationale,
        at: new Date(v.at).getTime(),
      })),
    },
    pinned: { id: r.policyId, version: r.policyVersion, rules: rules(r.policyRules) },
    snapshotStateVersion: r.snapshotStateVersion === null ? -1 : Number(r.snapshotStateVersion),
  };
}

/** What the pure core needs from the shell: ids, and the evidence snapshot (lib/metrics/evidence) of a state. */
function depsFor(subject: Subject): StateDeps {
  return {
    newId: randomUUID,
    snapshotOf(ctx, now) {
      const at = ctx.actionType;
      const openRequest = ctx.requests.some(
        (r) =>
          r.state.kind !== "policy_change" &&
          (r.state.status === "open" || r.state.status === "approved") &&
          blocksNewRequest(
            { status: r.state.status, fromTier: r.state.fromTier, snapshotStateVersion: r.snapshotStateVersion },
            at,
          ),
      );
      const live = evidenceView(
        {
          actionType: { ...at, agentSlug: subject.agentSlug, agentVersion: at.evidence.agentVersion },
          policy: ctx.policy,
          openRequest,
        },
        new Date(now),
      );
      const { snapshot, hash } = pinSnapshot(live);
      return { snapshot, hash, eligibility: live.eligibility };
    },
  };
}

/**
 * Runs one command on an action type inside the caller's transaction: a refusal changes nothing and is
 * returned; otherwise the effects are written and the answer returned.
 */
export async function runStateCommand(
  tx: Tx,
  target: StateTarget,
  command: StateCommand,
  now: Date,
): Promise<{ ok: true; answer: Answer } | { ok: false; refusal: StateRefusal }> {
  const loaded = await loadContext(tx, target);
  const decision = decideStateChange(loaded.ctx, command, now.getTime(), depsFor(loaded.subject));
  if (!decision.ok) return decision;
  await applyEffects(tx, loaded, decision.effects, now);
  return { ok: true, answer: decision.answer };
}

/** The same, with a refusal thrown as the error model's AppError (the transaction rolls back). */
export async function changeState<T extends Answer["type"]>(
  tx: Tx,
  target: StateTarget,
  command: StateCommand,
  now: Date,
  expect?: T,
): Promise<Extract<Answer, { type: T }>> {
  const result = await runStateCommand(tx, target, command, now);
  if (!result.ok) throw refusalError(result.refusal);
  if (expect && result.answer.type !== expect)
    throw new Error(`expected a ${expect} answer, got ${result.answer.type}`);
  return result.answer as Extract<Answer, { type: T }>;
}

export function refusalError(r: StateRefusal) {
  return domainError(
    { code: refusalIsErrorCode(r.code), message: r.message, ...(r.reasons ? { reasons: r.reasons } : {}) },
    r.details,
  );
}

// ---------------------------------------------------------------------------------------------
// Applying effects: merged per row, so one decision writes each row once.
// ---------------------------------------------------------------------------------------------

type RequestWrite = Prisma.ReviewRequestUncheckedUpdateInput;

async function applyEffects(tx: Tx, loaded: Loaded, effects: StateEffect[], now: Date) {
  const at = loaded.ctx.actionType;
  let actionTypeWrite: Prisma.ActionTypeUpdateInput = {};
  let stateBumps = 0;
  const policies: Prisma.PolicyCreateManyInput[] = [];
  const opened: Prisma.ReviewRequestCreateManyInput[] = [];
  const reviews: Prisma.ReviewCreateManyInput[] = [];
  const requestWrites = new Map<string, RequestWrite>();
  const tierChanges: Array<{ row: Prisma.TierChangeCreateManyInput; notify: string | null }> = [];
  const audits: AuditInput[] = [];
  const writeRequest = (id: string, data: RequestWrite) => requestWrites.set(id, { ...requestWrites.get(id), ...data });

  for (const e of effects) {
    switch (e.type) {
      case "open_request": {
        const s = e.request;
        opened.push({
          id: s.id,
          actionTypeId: at.id,
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
        });
        break;
      }
      case "record_review":
        reviews.push({
          requestId: e.requestId,
          reviewerId: e.review.reviewerId,
          decision: e.review.decision,
          rationale: e.review.rationale,
          snapshotHash: e.review.snapshotHash,
          createdAt: now,
        });
        break;
      case "update_request":
        writeRequest(e.requestId, {
          ...(e.status ? { status: e.status } : {}),
          ...(e.snapshotHash ? { snapshotHash: e.snapshotHash } : {}),
          ...(e.decided ? { decidedAt: now } : {}),
          ...(e.applied ? { appliedAt: now } : {}),
          ...(e.statusReason !== undefined ? { statusReason: e.statusReason } : {}),
        });
        break;
      case "repin_requests":
        for (const id of e.requestIds) writeRequest(id, { snapshot: e.snapshot as object, policyId: e.policy.id });
        break;
      case "supersede_policy_changes":
        for (const id of e.requestIds)
          writeRequest(id, {
            statusReason: `superseded: the policy is now version ${e.newVersion}; open a new request against it`,
          });
        break;
      case "change_tier":
        stateBumps++;
        actionTypeWrite = {
          ...actionTypeWrite,
          tier: e.to,
          frozen: e.frozen,
          ...(e.frozen ? (e.freezesNow ? { frozenSince: now } : {}) : { frozenSince: null }),
        };
        tierChanges.push({
          row: {
            id: e.changeId,
            actionTypeId: at.id,
            fromTier: e.from,
            toTier: e.to,
            frozen: e.frozen,
            cause: e.cause,
            actorUserId: e.actor.type === "user" ? e.actor.id : null,
            ...(e.breached ? { actorSystem: e.breached as object } : {}),
            rationale: e.rationale,
            requestId: e.requestId,
            createdAt: now,
          },
          notify: null,
        });
        break;
      case "change_ramp_step":
        stateBumps++;
        actionTypeWrite = { ...actionTypeWrite, rampStep: e.toStep, rampStepSince: now };
        tierChanges.push({
          row: {
            id: e.changeId,
            actionTypeId: at.id,
            fromTier: e.tier,
            toTier: e.tier,
            frozen: e.frozen,
            cause: e.cause,
            actorUserId: e.actor.type === "user" ? e.actor.id : null,
            actorSystem: {
              fromStep: e.fromStep,
              toStep: e.toStep,
              fromPercent: e.fromPercent,
              toPercent: e.toPercent,
              ...e.details,
            } as object,
            rationale: e.rationale,
            requestId: null,
            createdAt: now,
          },
          notify: null,
        });
        break;
      case "reset_evidence":
        actionTypeWrite = { ...actionTypeWrite, ...resetData(e.scope, now) };
        break;
      case "set_evidence":
        actionTypeWrite = { ...actionTypeWrite, ...evidenceStateData(e.evidence) };
        break;
      case "apply_policy":
        policies.push({
          id: e.policy.id,
          actionTypeId: at.id,
          version: e.policy.version,
          rules: e.policy.rules as object,
          reason: e.reason,
          createdById: e.actor.type === "user" ? e.actor.id : null,
          createdAt: now,
        });
        break;
      case "notify": {
        const change = tierChanges.find((c) => c.row.id === e.changeId);
        if (change)
          change.notify = JSON.stringify({
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
        break;
      }
      case "audit":
        audits.push({
          actor: e.actor,
          kind: auditKindIsKnown(e.kind),
          entityType: e.entityType,
          entityId: e.entityId,
          ...(e.entityType === "action_type" || e.kind === "request.opened" ? { agentId: at.agentId } : {}),
          actionTypeId: at.id,
          data: e.data,
        });
        break;
    }
  }

  // Parents before children: a policy before the requests pinned to it, a request before its reviews.
  if (policies.length) await tx.policy.createMany({ data: policies });
  if (opened.length) await tx.reviewRequest.createMany({ data: opened });
  if (reviews.length) await tx.review.createMany({ data: reviews });
  for (const [id, data] of requestWrites) await tx.reviewRequest.update({ where: { id }, data, select: { id: true } });
  if (stateBumps || Object.keys(actionTypeWrite).length)
    await tx.actionType.update({
      where: { id: at.id },
      data: { ...actionTypeWrite, ...(stateBumps ? { stateVersion: { increment: stateBumps } } : {}) },
      select: { id: true },
    });
  for (const c of tierChanges) await insertTierChange(tx, c.row, c.notify);
  const subjects = {
    actionTypes: new Map([
      [
        at.id,
        {
          id: at.id,
          key: at.key,
          name: loaded.subject.actionTypeName,
          agent: { id: at.agentId, slug: loaded.subject.agentSlug, name: loaded.subject.agentName },
        },
      ],
    ]),
  };
  await appendAuditEntries(tx, audits, now, subjects);
}

/** A tier-timeline row and the NOTIFY every tier cache and stream listens to, in one statement (delivered on commit). */
async function insertTierChange(tx: Tx, row: Prisma.TierChangeCreateManyInput, notify: string | null) {
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

/** A new tier restarts its clock, its evidence, its α spending, its detector and its ramp; the agent version carries over. */
function resetData(scope: "tier" | "gate_look" | "detector", now: Date): Prisma.ActionTypeUpdateInput {
  if (scope === "gate_look") return { gateLook: Prisma.DbNull };
  if (scope === "detector") return { cusum: 0 };
  const { agentVersion: _carried, ...reset } = evidenceStateData(freshEvidence(now.getTime()));
  void _carried;
  return { tierSince: now, ...reset, rampStep: 0, rampStepSince: now };
}

/** Prisma update data writing the whole state. */
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
  };
}
