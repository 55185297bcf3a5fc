// The request side of the one interpreter of action-type state: opening, reviewing, applying, closing,
// re-pinning and superseding review requests, each through the pure request machine. The tier, policy
// and evidence side (action-type-state.ts) extends it; both only record effects, never write. Pure.
import { barUnmet } from "./eligibility";
import { stateEligibility } from "./state-eligibility";
import { classifyPolicyChange } from "./policy-diff";
import { currentTally, transition, type LiveCheck, type RequestEvent, type RequestState } from "./request-machine";
import { openRequest } from "./request-open";
import { poolFor, type ReviewerPool } from "./reviewer-pool";
import type { PolicyRules, RequestStatus, Tier } from "./types";
import type {
  Answer,
  AuditEffect,
  LiveRequest,
  PolicyVersion,
  StateActor,
  StateAuditKind,
  StateCommand,
  StateContext,
  StateDeps,
  StateEffect,
  StateRefusal,
  StateRefusalCode,
} from "./state-types";

export type Step = Answer | { refused: StateRefusal };
export const refuse = (
  code: StateRefusalCode,
  message: string,
  extra: Omit<StateRefusal, "code" | "message"> = {},
) => ({
  refused: { code, message, ...extra },
});

const withPool = (pool: ReviewerPool | undefined) => (pool ? { pool } : {});

export const SYSTEM: StateActor = { type: "system", label: "system" };

/** A tier change as the request side asks for it (implemented by the tier side). */
export interface TierChangeAsk {
  to: Tier;
  frozen: boolean;
  cause: Extract<StateEffect, { type: "change_tier" }>["cause"];
  actor: StateActor;
  rationale: string;
  requestId: string | null;
  breached?: Record<string, unknown> | null;
  repinReason: string | null;
}

/** One decision in progress: the effects so far, and the context as they leave it. */
export abstract class RequestSteps {
  readonly effects: StateEffect[] = [];
  ctx: StateContext;

  constructor(
    ctx: StateContext,
    protected readonly now: number,
    protected readonly deps: StateDeps,
  ) {
    this.ctx = ctx;
  }

  protected abstract changeTier(c: TierChangeAsk): Answer;
  protected abstract writePolicy(
    rules: PolicyRules,
    reason: string,
    requestId: string | null,
    actor: StateActor,
    how: "tightened" | "loosened",
  ): PolicyVersion;

  // --- requests -------------------------------------------------------------------------------

  protected request(id: string): LiveRequest | { refused: StateRefusal } {
    const r = this.ctx.requests.find((q) => q.state.id === id);
    return r ?? refuse("not_open", "the request is not loaded");
  }

  /** Runs one machine event on a request; its notifications become audit entries. */
  protected step(r: LiveRequest, event: RequestEvent, actor: StateActor) {
    const result = transition(r.state, event);
    if ("error" in result) return result;
    const prev = r.state;
    const next = result.next;
    if (next.status !== prev.status || next.snapshotHash !== prev.snapshotHash) {
      this.effects.push({
        type: "update_request",
        requestId: prev.id,
        ...(next.status !== prev.status ? { status: next.status } : {}),
        ...(next.snapshotHash !== prev.snapshotHash ? { snapshotHash: next.snapshotHash } : {}),
        ...(next.status !== "open" && prev.status === "open" ? { decided: true as const } : {}),
        ...(next.status === "applied" ? { applied: true as const, statusReason: "" } : {}),
      });
    }
    this.replaceRequest({ ...r, state: next });
    for (const e of result.effects) {
      if (e.type === "change_tier") {
        this.changeTier({
          to: e.to,
          frozen: this.ctx.actionType.frozen,
          cause: e.cause,
          actor,
          rationale: `${e.cause === "override" ? "Override" : "Promotion"} ${e.from} → ${e.to} approved by review`,
          requestId: e.requestId,
          repinReason: `${e.cause} to ${e.to}`,
        });
      } else if (e.type === "apply_policy") {
        this.writePolicy(e.rules, `loosening approved in request ${e.requestId}`, e.requestId, actor, "loosened");
      } else if (e.type === "notify" && e.event !== "request.opened") {
        this.audit(actor, e.event, "request", e.requestId, {
          status: e.status,
          ...(e.tally
            ? { approvals: e.tally.approvals, required: e.tally.required, rejections: e.tally.rejections }
            : {}),
        });
      }
    }
    return { next };
  }

  protected replaceRequest(r: LiveRequest) {
    this.ctx = { ...this.ctx, requests: this.ctx.requests.map((q) => (q.state.id === r.state.id ? r : q)) };
  }

  protected openPromotion(c: Extract<StateCommand, { type: "open_request" }>): Step {
    const { snapshot, hash, eligibility } = this.deps.snapshotOf(this.ctx, this.now);
    const id = this.deps.newId();
    const opened = openRequest({
      id,
      kind: c.kind,
      requester: c.requester,
      snapshotHash: hash,
      policy: this.ctx.policy.rules,
      policyVersion: this.ctx.policy.version,
      now: this.now,
      fromTier: this.ctx.actionType.tier,
      eligibility,
      ...(c.justification !== undefined ? { justification: c.justification } : {}),
    });
    if ("error" in opened)
      return refuse(opened.error.code, opened.error.message, { details: { unmet: eligibility.unmet } });
    const s = opened.state;
    this.addRequest(s, c.justification?.trim() ?? "", snapshot);
    this.audit(c.actor, "request.opened", "request", id, {
      kind: s.kind,
      from: s.fromTier,
      to: s.toTier,
      snapshotHash: hash,
      policyVersion: this.ctx.policy.version,
      reviewersRequired: s.requiredApprovals,
      justification: c.justification ?? null,
      // Who is asked (the webhook tells them): the tier's reviewer pool, when the policy names one.
      ...withPool(poolFor(this.ctx.policy.rules, s)),
    });
    return { type: "opened", request: s, snapshotHash: hash };
  }

  protected addRequest(s: RequestState, justification: string, snapshot: unknown) {
    this.effects.push({
      type: "open_request",
      request: s,
      justification,
      snapshot,
      policyId: this.ctx.policy.id,
      proposedRules: s.proposedPolicy ?? null,
    });
    const live: LiveRequest = {
      state: s,
      pinned: this.ctx.policy,
      snapshotStateVersion: this.ctx.actionType.stateVersion,
    };
    this.ctx = { ...this.ctx, requests: [...this.ctx.requests, live] };
  }

  protected review(c: Extract<StateCommand, { type: "review" }>): Step {
    const r = this.request(c.requestId);
    if ("refused" in r) return r;
    // The review itself is in the hash chain (SPEC §2): who, the decision, the rationale, the snapshot
    // judged; before its effects. Sealed from every reader of the audit log while the request is open.
    this.audit(c.actor, "request.review_submitted", "request", c.requestId, {
      decision: c.decision,
      rationale: c.rationale.trim(),
      snapshotHash: r.state.snapshotHash,
    });
    const stepped = this.step(
      r,
      {
        type: "review",
        reviewer: c.reviewer,
        decision: c.decision,
        rationale: c.rationale,
        at: this.now,
        ...(c.snapshotHash ? { snapshotHash: c.snapshotHash } : {}),
        // The policy in force now, not the pinned one: narrowing a pool applies at once.
        ...withPool(poolFor(this.ctx.policy.rules, r.state)),
      },
      c.actor,
    );
    if ("error" in stepped) return { refused: stepped.error };
    const review = stepped.next.reviews[stepped.next.reviews.length - 1]!;
    this.effects.push({ type: "record_review", requestId: c.requestId, review });
    let status = stepped.next.status;
    let applyRefusal: string | null = null;
    if (status === "approved") {
      // The reviewer whose approval completed the quorum is the one who applied it.
      const applied = this.tryApply(this.request(c.requestId) as LiveRequest, c.actor);
      status = applied.status;
      applyRefusal = applied.refusal?.message ?? null;
    }
    return { type: "reviewed", status, tally: currentTally(stepped.next), applyRefusal };
  }

  /** Applies an approved request against the live state (SPEC §3 rule 9); a refusal keeps it approved, with the reason. */
  protected tryApply(r: LiveRequest, actor: StateActor): { status: RequestStatus; refusal: StateRefusal | null } {
    const stepped = this.step(r, { type: "apply", live: this.liveCheck(r) }, actor);
    if ("error" in stepped) {
      const e = stepped.error;
      this.effects.push({ type: "update_request", requestId: r.state.id, statusReason: e.message });
      this.audit(actor, "request.apply_refused", "request", r.state.id, {
        code: e.code,
        reasons: e.reasons ?? [e.message],
      });
      return { status: r.state.status, refusal: e };
    }
    return { status: stepped.next.status, refusal: null };
  }

  protected liveCheck(r: LiveRequest): LiveCheck {
    const at = this.ctx.actionType;
    return {
      currentTier: at.tier,
      frozen: at.frozen,
      stateVersionAtSnapshot: r.snapshotStateVersion,
      currentStateVersion: at.stateVersion,
      policyVersionPinned: r.pinned.version,
      currentPolicyVersion: this.ctx.policy.version,
      policyTightenedSince: classifyPolicyChange(r.pinned.rules, this.ctx.policy.rules).changes.some(
        (c) => c.direction === "tighten",
      ),
      // The bar's conditions do not depend on open requests: no snapshot (and no hash) is needed here.
      ...(r.state.kind === "promotion" ? { liveBarUnmet: barUnmet(stateEligibility(this.ctx, this.now, false)) } : {}),
    };
  }

  protected closeRequest(requestId: string, event: RequestEvent, actor: StateActor): Step {
    const r = this.request(requestId);
    if ("refused" in r) return r;
    const stepped = this.step(r, event, actor);
    if ("error" in stepped) return { refused: stepped.error };
    return { type: "closed", status: stepped.next.status };
  }

  /** Open promotion and override requests take a fresh snapshot: approvals given on the old one stop counting. */
  protected repin(reason: string) {
    const open = this.ctx.requests.filter((r) => r.state.status === "open" && r.state.kind !== "policy_change");
    if (open.length === 0) return;
    const { snapshot, hash } = this.deps.snapshotOf(this.ctx, this.now);
    const repinned: string[] = [];
    for (const r of open) {
      const stepped = this.step(
        r,
        { type: "evidence_changed", snapshotHash: hash, policyVersionPinned: this.ctx.policy.version },
        SYSTEM,
      );
      if ("error" in stepped) continue;
      repinned.push(r.state.id);
      this.replaceRequest({
        state: stepped.next,
        pinned: this.ctx.policy,
        snapshotStateVersion: this.ctx.actionType.stateVersion,
      });
      this.audit(SYSTEM, "request.evidence_changed", "request", r.state.id, {
        reason,
        snapshotHash: hash,
        policyVersion: this.ctx.policy.version,
      });
    }
    if (repinned.length)
      this.effects.push({
        type: "repin_requests",
        requestIds: repinned,
        snapshot,
        hash,
        policy: this.ctx.policy,
        reason,
      });
  }

  /** A new policy version: changes reviewed against an older one can never apply, so they are closed with the reason. */
  protected supersede(newVersion: number) {
    const stale = this.ctx.requests.filter(
      (r) => r.state.kind === "policy_change" && (r.state.status === "open" || r.state.status === "approved"),
    );
    const closed: string[] = [];
    for (const r of stale) {
      const stepped = this.step(r, { type: "supersede", currentPolicyVersion: newVersion }, SYSTEM);
      if ("error" in stepped) continue;
      closed.push(r.state.id);
      this.effects.push({
        type: "update_request",
        requestId: r.state.id,
        statusReason: `superseded: the policy is now version ${newVersion}; open a new request against it`,
      });
    }
    if (closed.length) this.effects.push({ type: "supersede_policy_changes", requestIds: closed, newVersion });
  }

  protected audit(
    actor: StateActor,
    kind: StateAuditKind,
    entityType: AuditEffect["entityType"],
    entityId: string,
    data: Record<string, unknown>,
  ) {
    this.effects.push({ type: "audit", actor, kind, entityType, entityId, data });
  }
}
