// Review requests (promotion, override, policy change): opened, reviewed blind, approved by quorum,
// applied after re-checking the live state. Every decision comes from lib/gating; this module loads
// state, runs the pure transition, and performs its effects in one transaction with the audit entry.
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { lockActionTypes, lockRequest, TX_OPTIONS } from "@/lib/db/locks";
import {
  barUnmet,
  classifyPolicyChange,
  openRequest,
  transition,
  currentTally,
  type Effect,
  type RequestState,
  type RequestEvent,
  type LiveCheck,
} from "@/lib/gating";
import type { PolicyRules, RequestKind, Tier } from "@/lib/gating/types";
import { appendAudit, SYSTEM_ACTOR, type Actor } from "@/lib/audit/mutations";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { liveEvidence } from "@/lib/metrics/evidence";
import { currentPolicy, policyById } from "@/lib/policies/data";
import { writePolicyVersion } from "@/lib/policies/write";
import { recordTierChange } from "@/lib/tier-changes/mutations";
import { policyRulesSchema } from "@/lib/policies/schema";
import { domainError, forbidden, notFound } from "@/lib/errors";
import { can } from "@/lib/gating/permissions";
import { pinSnapshot } from "./snapshot";

/** Loads a request as the pure machine's state (reviews included). */
async function loadState(
  tx: Tx,
  requestId: string,
): Promise<{ state: RequestState; actionTypeId: string; policyId: string; snapshot: unknown }> {
  const r = await tx.reviewRequest.findUnique({
    where: { id: requestId },
    include: { reviews: { orderBy: { createdAt: "asc" } }, policy: { select: { version: true } } },
  });
  if (!r) throw notFound("Request");
  const state: RequestState = {
    id: r.id,
    kind: r.kind,
    status: r.status,
    requesterId: r.requesterId,
    fromTier: r.fromTier,
    toTier: r.toTier,
    snapshotHash: r.snapshotHash,
    requiredApprovals: r.reviewersRequired,
    expiresAt: r.expiresAt.getTime(),
    policyVersionPinned: r.policy.version,
    ...(r.proposedRules ? { proposedPolicy: policyRulesSchema.parse(r.proposedRules) as PolicyRules } : {}),
    reviews: r.reviews.map((v) => ({
      reviewerId: v.reviewerId,
      decision: v.decision,
      snapshotHash: v.snapshotHash,
      rationale: v.rationale,
      at: v.createdAt.getTime(),
    })),
  };
  return { state, actionTypeId: r.actionTypeId, policyId: r.policyId, snapshot: r.snapshot };
}

export interface OpenInput {
  actionTypeId: string;
  kind: Exclude<RequestKind, "policy_change">;
  justification?: string;
}

/** Opens a promotion (or, for admins, an override) request out of the current tier. */
export async function openPromotionRequest(db: Db, user: UserPrincipal, input: OpenInput, now = new Date()) {
  return db.$transaction(async (tx) => {
    await lockActionTypes(tx, [input.actionTypeId]);
    const live = await liveEvidence(tx, input.actionTypeId, now);
    const { snapshot, hash } = pinSnapshot(live);
    const id = randomUUID();
    const opened = openRequest({
      id,
      kind: input.kind,
      requester: { id: user.id, role: user.role },
      snapshotHash: hash,
      policy: live.policy.rules,
      policyVersion: live.policy.version,
      now,
      fromTier: live.actionType.tier,
      eligibility: live.eligibility,
      ...(input.justification !== undefined ? { justification: input.justification } : {}),
    });
    if ("error" in opened) throw domainError(opened.error, { unmet: live.eligibility.unmet });
    const s = opened.state;
    await tx.reviewRequest.create({
      data: {
        id,
        actionTypeId: input.actionTypeId,
        kind: s.kind,
        fromTier: s.fromTier,
        toTier: s.toTier,
        requesterId: user.id,
        justification: input.justification?.trim() ?? "",
        policyId: live.policy.id,
        snapshot: snapshot as object,
        snapshotHash: hash,
        reviewersRequired: s.requiredApprovals,
        expiresAt: new Date(s.expiresAt),
        createdAt: now,
      },
    });
    await appendAudit(
      tx,
      {
        actor: userActor(user),
        kind: `request.opened`,
        entityType: "request",
        entityId: id,
        agentId: live.actionType.agentId,
        actionTypeId: input.actionTypeId,
        data: {
          kind: s.kind,
          from: s.fromTier,
          to: s.toTier,
          snapshotHash: hash,
          policyVersion: live.policy.version,
          reviewersRequired: s.requiredApprovals,
          justification: input.justification ?? null,
        },
      },
      now,
    );
    return {
      id,
      snapshotHash: hash,
      reviewersRequired: s.requiredApprovals,
      expiresAt: new Date(s.expiresAt).toISOString(),
    };
  }, TX_OPTIONS);
}

/** Opens a policy_change request for a loosening (called by lib/policies/mutations). */
export async function openPolicyChangeRequest(
  tx: Tx,
  user: UserPrincipal,
  input: { actionTypeId: string; rules: PolicyRules; reason: string },
  now: Date,
) {
  const live = await liveEvidence(tx, input.actionTypeId, now);
  const { snapshot, hash } = pinSnapshot(live);
  const id = randomUUID();
  const opened = openRequest({
    id,
    kind: "policy_change",
    requester: { id: user.id, role: user.role },
    snapshotHash: hash,
    policy: live.policy.rules,
    policyVersion: live.policy.version,
    now,
    proposedPolicy: input.rules,
  });
  if ("error" in opened) throw domainError(opened.error);
  const s = opened.state;
  await tx.reviewRequest.create({
    data: {
      id,
      actionTypeId: input.actionTypeId,
      kind: "policy_change",
      requesterId: user.id,
      justification: input.reason,
      policyId: live.policy.id,
      snapshot: snapshot as object,
      snapshotHash: hash,
      proposedRules: input.rules as object,
      reviewersRequired: s.requiredApprovals,
      expiresAt: new Date(s.expiresAt),
      createdAt: now,
    },
  });
  const diff = classifyPolicyChange(live.policy.rules, input.rules);
  await appendAudit(
    tx,
    {
      actor: userActor(user),
      kind: "request.opened",
      entityType: "request",
      entityId: id,
      agentId: live.actionType.agentId,
      actionTypeId: input.actionTypeId,
      data: {
        kind: "policy_change",
        basedOnVersion: live.policy.version,
        changes: diff.changes,
        reason: input.reason,
        reviewersRequired: s.requiredApprovals,
      },
    },
    now,
  );
  return { id, reviewersRequired: s.requiredApprovals, changes: diff.changes };
}

async function requestActionTypeId(db: Db | Tx, requestId: string): Promise<string> {
  const r = await db.reviewRequest.findUnique({ where: { id: requestId }, select: { actionTypeId: true } });
  if (!r) throw notFound("Request");
  return r.actionTypeId;
}

/** Runs one machine event on a locked request and performs its effects. */
type Loaded = Awaited<ReturnType<typeof loadState>>;

async function step(
  tx: Tx,
  requestId: string,
  actor: Actor,
  event: RequestEvent | ((loaded: Loaded) => Promise<RequestEvent>),
  now: Date,
) {
  const loaded = await loadState(tx, requestId);
  const ev = typeof event === "function" ? await event(loaded) : event;
  const result = transition(loaded.state, ev);
  if ("error" in result) return { ok: false as const, error: result.error, loaded };
  await performEffects(tx, loaded, result.next, result.effects, actor, now);
  return { ok: true as const, next: result.next, loaded };
}

async function performEffects(tx: Tx, loaded: Loaded, next: RequestState, effects: Effect[], actor: Actor, now: Date) {
  const prev = loaded.state;
  if (next.status !== prev.status || next.snapshotHash !== prev.snapshotHash) {
    const terminal = next.status !== "open";
    await tx.reviewRequest.update({
      where: { id: prev.id },
      data: {
        status: next.status,
        snapshotHash: next.snapshotHash,
        ...(terminal && prev.status === "open" ? { decidedAt: now } : {}),
        ...(next.status === "applied" ? { appliedAt: now, statusReason: "" } : {}),
      },
    });
  }
  for (const effect of effects) {
    if (effect.type === "change_tier") {
      const at = await tx.actionType.findUniqueOrThrow({
        where: { id: loaded.actionTypeId },
        select: { frozen: true },
      });
      await recordTierChange(
        tx,
        {
          actionTypeId: loaded.actionTypeId,
          toTier: effect.to,
          frozen: at.frozen,
          cause: effect.cause,
          actor,
          rationale: `${effect.cause === "override" ? "Override" : "Promotion"} ${effect.from} → ${effect.to} approved by review`,
          requestId: effect.requestId,
        },
        now,
      );
    } else if (effect.type === "apply_policy") {
      const created = await writePolicyVersion(
        tx,
        actor,
        {
          actionTypeId: loaded.actionTypeId,
          rules: effect.rules,
          reason: `loosening approved in request ${effect.requestId}`,
          requestId: effect.requestId,
        },
        now,
      );
      await repinOpenRequests(tx, loaded.actionTypeId, `policy loosened to version ${created.version}`, now);
      await supersedePolicyChanges(tx, loaded.actionTypeId, created.version, now);
    } else if (effect.type === "notify") {
      await appendAudit(
        tx,
        {
          actor,
          kind: effect.event,
          entityType: "request",
          entityId: effect.requestId,
          actionTypeId: loaded.actionTypeId,
          data: {
            status: effect.status,
            ...(effect.tally
              ? {
                  approvals: effect.tally.approvals,
                  required: effect.tally.required,
                  rejections: effect.tally.rejections,
                }
              : {}),
          },
        },
        now,
      );
    }
  }
}

/** The live facts an approved request is re-checked against (SPEC §3 rule 9). */
async function liveCheck(tx: Tx, loaded: Loaded, now: Date): Promise<LiveCheck> {
  const at = await tx.actionType.findUniqueOrThrow({
    where: { id: loaded.actionTypeId },
    select: { tier: true, frozen: true, stateVersion: true },
  });
  const pinned = await policyById(tx, loaded.policyId);
  const current = await currentPolicy(tx, loaded.actionTypeId);
  const snap = loaded.snapshot as { actionType?: { stateVersion?: number } };
  return {
    currentTier: at.tier as Tier,
    frozen: at.frozen,
    stateVersionAtSnapshot: snap.actionType?.stateVersion ?? -1,
    currentStateVersion: at.stateVersion,
    policyVersionPinned: pinned.version,
    currentPolicyVersion: current.version,
    policyTightenedSince: classifyPolicyChange(pinned.rules, current.rules).changes.some(
      (c) => c.direction === "tighten",
    ),
    ...(loaded.state.kind === "promotion"
      ? { liveBarUnmet: barUnmet((await liveEvidence(tx, loaded.actionTypeId, now)).eligibility) }
      : {}),
  };
}

type ApplyResult =
  | { ok: true; next: RequestState; loaded: Loaded }
  | { ok: false; error: { code: string; message: string; reasons?: string[] }; loaded: Loaded };

/** Applies an approved request; a refusal leaves it approved with the reason recorded. */
async function tryApply(tx: Tx, requestId: string, actor: Actor, now: Date): Promise<ApplyResult> {
  const loaded = await loadState(tx, requestId);
  const live = await liveCheck(tx, loaded, now);
  const res: ApplyResult = await step(tx, requestId, actor, { type: "apply", live }, now);
  if (!res.ok) {
    await tx.reviewRequest.update({ where: { id: requestId }, data: { statusReason: res.error.message } });
    await appendAudit(
      tx,
      {
        actor,
        kind: "request.apply_refused",
        entityType: "request",
        entityId: requestId,
        actionTypeId: res.loaded.actionTypeId,
        data: { code: res.error.code, reasons: res.error.reasons ?? [res.error.message] },
      },
      now,
    );
  }
  return res;
}

export interface ReviewInput {
  requestId: string;
  decision: "approve" | "reject";
  rationale: string;
  /** the snapshot the reviewer was shown; refused if the evidence changed since */
  snapshotHash?: string;
}

export async function reviewRequest(db: Db, user: UserPrincipal, input: ReviewInput, now = new Date()) {
  const actionTypeId = await requestActionTypeId(db, input.requestId);
  return db.$transaction(async (tx) => {
    // Lock order everywhere: action type, then request. Serialises racing reviews on one request.
    await lockActionTypes(tx, [actionTypeId]);
    await lockRequest(tx, input.requestId);
    const event: RequestEvent = {
      type: "review",
      reviewer: { id: user.id, role: user.role },
      decision: input.decision,
      rationale: input.rationale,
      at: now,
      ...(input.snapshotHash ? { snapshotHash: input.snapshotHash } : {}),
    };
    const res = await step(
      tx,
      input.requestId,
      userActor(user),
      async (loaded) => {
        // The review itself is in the hash chain (SPEC §2): who, the decision, the rationale, the snapshot
        // judged; before its effects, and rolled back with them if the machine refuses the review.
        // Sealed from every reader of the audit log while the request is open (lib/audit/data.ts).
        await appendAudit(
          tx,
          {
            actor: userActor(user),
            kind: "request.review_submitted",
            entityType: "request",
            entityId: input.requestId,
            actionTypeId,
            data: {
              decision: input.decision,
              rationale: input.rationale.trim(),
              snapshotHash: loaded.state.snapshotHash,
            },
          },
          now,
        );
        return event;
      },
      now,
    );
    if (!res.ok) throw domainError(res.error);
    await tx.review.create({
      data: {
        requestId: input.requestId,
        reviewerId: user.id,
        decision: input.decision,
        rationale: input.rationale.trim(),
        snapshotHash: res.loaded.state.snapshotHash,
        createdAt: now,
      },
    });
    let status = res.next.status;
    let applyRefusal: string | null = null;
    if (status === "approved") {
      // The reviewer whose approval completed the quorum is the one who applied it.
      const applied = await tryApply(tx, input.requestId, userActor(user), now);
      if (applied.ok) status = applied.next.status;
      else applyRefusal = applied.error.message;
    }
    return { status, tally: currentTally(res.next), applyRefusal };
  }, TX_OPTIONS);
}

/** Retries applying an approved request whose first apply was refused. */
export async function applyRequest(db: Db, user: UserPrincipal, input: { requestId: string }, now = new Date()) {
  if (!can(user.role, "request:manage")) throw forbidden("Your role cannot apply requests.");
  const actionTypeId = await requestActionTypeId(db, input.requestId);
  return db.$transaction(async (tx) => {
    await lockActionTypes(tx, [actionTypeId]);
    await lockRequest(tx, input.requestId);
    const res = await tryApply(tx, input.requestId, userActor(user), now);
    return res.ok
      ? { status: res.next.status, refusal: null }
      : { status: res.loaded.state.status, refusal: res.error };
  }, TX_OPTIONS);
}

export async function withdrawRequest(db: Db, user: UserPrincipal, input: { requestId: string }, now = new Date()) {
  if (!can(user.role, "request:manage")) throw forbidden("Your role cannot withdraw requests.");
  const actionTypeId = await requestActionTypeId(db, input.requestId);
  return db.$transaction(async (tx) => {
    await lockActionTypes(tx, [actionTypeId]);
    const res = await step(tx, input.requestId, userActor(user), { type: "withdraw", actorId: user.id }, now);
    if (!res.ok) throw domainError(res.error);
    return { status: res.next.status };
  }, TX_OPTIONS);
}

/** Job: open requests past their review period expire. */
export async function expireRequests(db: Db, now = new Date()): Promise<number> {
  const due = await db.reviewRequest.findMany({
    where: { status: "open", expiresAt: { lte: now } },
    select: { id: true, actionTypeId: true },
  });
  let expired = 0;
  for (const r of due) {
    const done = await db.$transaction(async (tx) => {
      await lockActionTypes(tx, [r.actionTypeId]);
      const res = await step(tx, r.id, SYSTEM_ACTOR, { type: "expire", now }, now);
      return res.ok;
    }, TX_OPTIONS);
    if (done) expired++;
  }
  return expired;
}

/**
 * A new policy version was written: policy changes reviewed against an older version can never apply
 * (that would undo the new version), so they are closed as withdrawn with the reason, not left open.
 */
export async function supersedePolicyChanges(
  tx: Tx,
  actionTypeId: string,
  newVersion: number,
  now: Date,
): Promise<number> {
  const stale = await tx.reviewRequest.findMany({
    where: { actionTypeId, kind: "policy_change", status: { in: ["open", "approved"] } },
    select: { id: true },
  });
  let closed = 0;
  for (const r of stale) {
    const res = await step(tx, r.id, SYSTEM_ACTOR, { type: "supersede", currentPolicyVersion: newVersion }, now);
    if (res.ok) {
      await tx.reviewRequest.update({
        where: { id: r.id },
        data: { statusReason: `superseded: the policy is now version ${newVersion}; open a new request against it` },
      });
      closed++;
    }
  }
  return closed;
}

/**
 * The evidence or policy of an action type changed (tier change, freeze, policy version): its open
 * requests take a fresh snapshot, so approvals given on the old one stop counting.
 */
export async function repinOpenRequests(tx: Tx, actionTypeId: string, reason: string, now: Date): Promise<number> {
  // Policy-change requests stay pinned: they were reviewed as a diff against one version.
  const open = await tx.reviewRequest.findMany({
    where: { actionTypeId, status: "open", kind: { in: ["promotion", "override"] } },
    select: { id: true },
  });
  if (open.length === 0) return 0;
  const live = await liveEvidence(tx, actionTypeId, now);
  const { snapshot, hash } = pinSnapshot(live);
  for (const r of open) {
    const res = await step(
      tx,
      r.id,
      SYSTEM_ACTOR,
      { type: "evidence_changed", snapshotHash: hash, policyVersionPinned: live.policy.version },
      now,
    );
    if (res.ok) {
      await tx.reviewRequest.update({
        where: { id: r.id },
        data: { snapshot: snapshot as object, policyId: live.policy.id },
      });
      await appendAudit(
        tx,
        {
          actor: SYSTEM_ACTOR,
          kind: "request.evidence_changed",
          entityType: "request",
          entityId: r.id,
          actionTypeId,
          data: { reason, snapshotHash: hash, policyVersion: live.policy.version },
        },
        now,
      );
    }
  }
  return open.length;
}
