// The one interpreter of an action type's state (SPEC §3): every change to an action type — a review,
// an apply, a withdrawal or expiry, a manual demotion or freeze, a policy edit, an ingest batch, the
// detector's sweep — is decided here, as data: `decideStateChange(context, command)` returns the effects to write
// and the answer to give, or a refusal. lib/action-types/state.ts loads the context once under the
// lock and applies the effects in the caller's transaction; nothing else writes a tier, a policy
// version or a request's state. Follow-ups are part of the decision, so no writer can forget one:
// a tier or freeze change re-pins the open requests, a new policy version re-pins them and closes the
// policy changes it supersedes.
// Pure: the time, fresh ids and the snapshot's hash come in as arguments.

import { canonicalJson } from "./canonical";
import { barUnmet, DAY_MS, evaluateEligibility, type EligibilityResult } from "./eligibility";
import { evaluateDemotion } from "./demotion";
import {
  dayKey,
  demotionSampleFrom,
  evidenceFrom,
  foldEvidence,
  freshEvidence,
  type EvidenceState,
  type FoldOutcome,
} from "./evidence-fold";
import { compareTiers, tierBelow } from "./outcomes";
import { classifyPolicyChange, type PolicyChange } from "./policy-diff";
import { evaluateRampAdvance, rampStepBack } from "./ramp";
import {
  currentTally,
  transition,
  type Effect as RequestEffect,
  type LiveCheck,
  type RequestEvent,
  type RequestReview,
  type RequestState,
  type TransitionErrorCode,
} from "./request-machine";
import { openRequest, type OpenRefusal } from "./request-open";
import type { Tally } from "./reviews";
import { sliderOf } from "./slider";
import type { PolicyRules, RequestKind, RequestStatus, Role, Severity, Tier, TierChangeCause } from "./types";

// ---------------------------------------------------------------------------------------------
// The context: what one decision may read, loaded once under the action type's lock.
// ---------------------------------------------------------------------------------------------

export type StateActor =
  | { type: "user"; id: string; label: string }
  | { type: "agent"; id: string; label: string }
  | { type: "system"; label: string };

export interface PolicyVersion {
  id: string;
  version: number;
  rules: PolicyRules;
}

export interface ActionTypeFacts {
  id: string;
  agentId: string;
  key: string;
  tier: Tier;
  /** epoch ms */
  tierSince: number;
  frozen: boolean;
  stateVersion: number;
  rampStep: number;
  /** epoch ms */
  rampStepSince: number;
  evidence: EvidenceState;
}

export interface LiveRequest {
  state: RequestState;
  /** the policy version its snapshot pinned */
  pinned: PolicyVersion;
  /** the action type's stateVersion inside its snapshot */
  snapshotStateVersion: number;
}

export interface StateContext {
  actionType: ActionTypeFacts;
  policy: PolicyVersion;
  /** the action type's open and approved requests, and the request a command names (whatever its status) */
  requests: LiveRequest[];
}

/** What the shell provides: fresh ids, and the evidence snapshot of a state with its SHA-256 (pure functions). */
export interface StateDeps {
  newId(): string;
  snapshotOf(context: StateContext, now: number): { snapshot: unknown; hash: string; eligibility: EligibilityResult };
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/** The state a person decided on (SPEC §3 rule 11): the tier shown and its stateVersion. */
export interface DecidedOn {
  tier?: Tier;
  frozen?: boolean;
  stateVersion: number;
}

export type StateCommand =
  | {
      type: "open_request";
      kind: Exclude<RequestKind, "policy_change">;
      requester: { id: string; role: Role };
      actor: StateActor;
      justification?: string;
    }
  | {
      type: "review";
      requestId: string;
      reviewer: { id: string; role: Role };
      decision: "approve" | "reject";
      rationale: string;
      snapshotHash?: string;
      actor: StateActor;
    }
  | { type: "apply"; requestId: string; actor: StateActor }
  | { type: "withdraw"; requestId: string; actorId: string; actor: StateActor }
  | { type: "expire"; requestId: string }
  | { type: "demote"; toTier?: Tier; rationale: string; actor: StateActor; expected?: DecidedOn }
  | { type: "freeze"; frozen: boolean; rationale: string; actor: StateActor; expected?: DecidedOn }
  | {
      type: "edit_policy";
      rules: PolicyRules;
      reason: string;
      basedOnVersion?: number;
      requester: { id: string; role: Role };
      actor: StateActor;
    }
  | { type: "ingest"; outcomes: readonly FoldOutcome[] }
  /** the sweep: the detector on the stored state (`peakCusum` "stored": the CUSUM as it stands) */
  | { type: "detect"; peakCusum: number | "stored"; worstIncident?: Severity | null };

// ---------------------------------------------------------------------------------------------
// Effects: what to write, in order. The audit entries are effects too, in the order they are chained.
// ---------------------------------------------------------------------------------------------

export type StateAuditKind =
  | "request.opened"
  | "request.review_submitted"
  | "request.apply_refused"
  | "request.evidence_changed"
  | Exclude<Extract<RequestEffect, { type: "notify" }>["event"], "request.opened">
  | "policy.version_created"
  | `tier.${TierChangeCause}`;

export interface AuditEffect {
  type: "audit";
  actor: StateActor;
  kind: StateAuditKind;
  entityType: "action_type" | "request" | "policy";
  entityId: string;
  data: Record<string, unknown>;
}

export type StateEffect =
  | {
      type: "open_request";
      request: RequestState;
      justification: string;
      snapshot: unknown;
      policyId: string;
      proposedRules: PolicyRules | null;
    }
  | { type: "record_review"; requestId: string; review: RequestReview }
  | {
      type: "update_request";
      requestId: string;
      status?: RequestStatus;
      snapshotHash?: string;
      decided?: true;
      applied?: true;
      statusReason?: string;
    }
  | {
      type: "change_tier";
      changeId: string;
      from: Tier;
      to: Tier;
      frozen: boolean;
      /** the freeze flag turns on now (its `frozenSince` starts) */
      freezesNow: boolean;
      cause: Exclude<TierChangeCause, "ramp_advance" | "ramp_step_back" | "slider_change">;
      actor: StateActor;
      rationale: string;
      requestId: string | null;
      breached: Record<string, unknown> | null;
    }
  | {
      type: "change_ramp_step";
      changeId: string;
      tier: Tier;
      frozen: boolean;
      fromStep: number;
      toStep: number;
      fromPercent: number;
      toPercent: number;
      cause: "ramp_advance" | "ramp_step_back";
      actor: StateActor;
      rationale: string;
      details: Record<string, unknown>;
    }
  /** `tier`: a new tier restarts clock, evidence, α spending, detector and ramp; `gate_look`: a failed `wilson` look may be taken again; `detector`: the CUSUM restarts */
  | { type: "reset_evidence"; scope: "tier" | "gate_look" | "detector" }
  | { type: "set_evidence"; evidence: EvidenceState }
  | { type: "apply_policy"; policy: PolicyVersion; reason: string; requestId: string | null; actor: StateActor }
  | {
      type: "repin_requests";
      requestIds: string[];
      snapshot: unknown;
      hash: string;
      policy: PolicyVersion;
      reason: string;
    }
  | { type: "supersede_policy_changes"; requestIds: string[]; newVersion: number }
  /** the tier NOTIFY every cache and stream listens to (delivered on commit), with the state it announces */
  | { type: "notify"; changeId: string; cause: TierChangeCause; tier: Tier; frozen: boolean; tierSince: number }
  | AuditEffect;

export type StateRefusalCode = TransitionErrorCode | OpenRefusal | "conflict" | "state_moved";

export interface StateRefusal {
  code: StateRefusalCode;
  message: string;
  reasons?: string[];
  details?: Record<string, unknown>;
}

export type Answer =
  | { type: "opened"; request: RequestState; snapshotHash: string }
  | { type: "reviewed"; status: RequestStatus; tally: Tally; applyRefusal: string | null }
  | { type: "apply"; status: RequestStatus; refusal: StateRefusal | null }
  | { type: "closed"; status: RequestStatus }
  | { type: "tier_changed"; changeId: string; from: Tier; to: Tier; frozen: boolean; stateVersion: number }
  | { type: "policy_applied"; version: number; changes: PolicyChange["changes"] }
  | { type: "policy_review"; requestId: string; reviewersRequired: number; changes: PolicyChange["changes"] }
  | { type: "detected"; change: { actionKey: string; from: Tier; to: Tier; reason: string } | null }
  | { type: "folded"; change: { actionKey: string; from: Tier; to: Tier; reason: string } | null };

export type StateDecision = { ok: true; effects: StateEffect[]; answer: Answer } | { ok: false; refusal: StateRefusal };

// ---------------------------------------------------------------------------------------------
// decide
// ---------------------------------------------------------------------------------------------

export function decideStateChange(
  ctx: StateContext,
  command: StateCommand,
  now: number,
  deps: StateDeps,
): StateDecision {
  const run = new Run(ctx, now, deps);
  const answer = run.command(command);
  return "refused" in answer ? { ok: false, refusal: answer.refused } : { ok: true, effects: run.effects, answer };
}

type Step = Answer | { refused: StateRefusal };
const refuse = (code: StateRefusalCode, message: string, extra: Omit<StateRefusal, "code" | "message"> = {}) => ({
  refused: { code, message, ...extra },
});

/** One decision in progress: the effects so far, and the context as they leave it. */
class Run {
  readonly effects: StateEffect[] = [];
  ctx: StateContext;

  constructor(
    ctx: StateContext,
    private readonly now: number,
    private readonly deps: StateDeps,
  ) {
    this.ctx = ctx;
  }

  command(c: StateCommand): Step {
    switch (c.type) {
      case "open_request":
        return this.openPromotion(c);
      case "review":
        return this.review(c);
      case "apply": {
        const r = this.request(c.requestId);
        if ("refused" in r) return r;
        const applied = this.tryApply(r, c.actor);
        return { type: "apply", status: applied.status, refusal: applied.refusal };
      }
      case "withdraw":
        return this.closeRequest(c.requestId, { type: "withdraw", actorId: c.actorId }, c.actor);
      case "expire":
        return this.closeRequest(c.requestId, { type: "expire", now: this.now }, SYSTEM);
      case "demote":
        return this.demote(c);
      case "freeze":
        return this.freeze(c);
      case "edit_policy":
        return this.editPolicy(c);
      case "ingest":
        return this.ingest(c.outcomes);
      case "detect":
        return {
          type: "detected",
          change: this.detect(
            c.peakCusum === "stored" ? this.ctx.actionType.evidence.cusum : c.peakCusum,
            c.worstIncident ?? null,
          ),
        };
    }
  }

  // --- requests -------------------------------------------------------------------------------

  private request(id: string): LiveRequest | { refused: StateRefusal } {
    const r = this.ctx.requests.find((q) => q.state.id === id);
    return r ?? refuse("not_open", "the request is not loaded");
  }

  /** Runs one machine event on a request; its notifications become audit entries. */
  private step(r: LiveRequest, event: RequestEvent, actor: StateActor) {
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

  private replaceRequest(r: LiveRequest) {
    this.ctx = { ...this.ctx, requests: this.ctx.requests.map((q) => (q.state.id === r.state.id ? r : q)) };
  }

  private openPromotion(c: Extract<StateCommand, { type: "open_request" }>): Step {
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
    });
    return { type: "opened", request: s, snapshotHash: hash };
  }

  private addRequest(s: RequestState, justification: string, snapshot: unknown) {
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

  private review(c: Extract<StateCommand, { type: "review" }>): Step {
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
  private tryApply(r: LiveRequest, actor: StateActor): { status: RequestStatus; refusal: StateRefusal | null } {
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

  private liveCheck(r: LiveRequest): LiveCheck {
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
      ...(r.state.kind === "promotion" ? { liveBarUnmet: barUnmet(this.eligibility()) } : {}),
    };
  }

  private eligibility(): EligibilityResult {
    return this.deps.snapshotOf(this.ctx, this.now).eligibility;
  }

  private closeRequest(requestId: string, event: RequestEvent, actor: StateActor): Step {
    const r = this.request(requestId);
    if ("refused" in r) return r;
    const stepped = this.step(r, event, actor);
    if ("error" in stepped) return { refused: stepped.error };
    return { type: "closed", status: stepped.next.status };
  }

  /** Open promotion and override requests take a fresh snapshot: approvals given on the old one stop counting. */
  private repin(reason: string) {
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
  private supersede(newVersion: number) {
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

  // --- tier and freeze -------------------------------------------------------------------------

  private changeTier(c: {
    to: Tier;
    frozen: boolean;
    cause: Extract<StateEffect, { type: "change_tier" }>["cause"];
    actor: StateActor;
    rationale: string;
    requestId: string | null;
    breached?: Record<string, unknown> | null;
    repinReason: string | null;
  }): Answer {
    const at = this.ctx.actionType;
    const changeId = this.deps.newId();
    const tierChanged = at.tier !== c.to;
    this.effects.push({
      type: "change_tier",
      changeId,
      from: at.tier,
      to: c.to,
      frozen: c.frozen,
      freezesNow: c.frozen && !at.frozen,
      cause: c.cause,
      actor: c.actor,
      rationale: c.rationale,
      requestId: c.requestId,
      breached: c.breached ?? null,
    });
    // A new tier restarts its clock and its evidence (the e-process is valid over one sequence).
    if (tierChanged) this.effects.push({ type: "reset_evidence", scope: "tier" });
    this.ctx = {
      ...this.ctx,
      actionType: {
        ...at,
        tier: c.to,
        frozen: c.frozen,
        stateVersion: at.stateVersion + 1,
        ...(tierChanged
          ? {
              tierSince: this.now,
              evidence: freshEvidence(this.now, at.evidence.agentVersion),
              rampStep: 0,
              rampStepSince: this.now,
            }
          : {}),
      },
    };
    this.audit(c.actor, `tier.${c.cause}`, "action_type", at.id, {
      tierChangeId: changeId,
      from: at.tier,
      to: c.to,
      frozen: c.frozen,
      rationale: c.rationale,
      requestId: c.requestId,
      breached: c.breached ?? null,
    });
    this.notify(changeId, c.cause);
    if (c.repinReason) this.repin(c.repinReason);
    return {
      type: "tier_changed",
      changeId,
      from: at.tier,
      to: c.to,
      frozen: c.frozen,
      stateVersion: at.stateVersion + 1,
    };
  }

  /** Rule 11: if the state moved since the form was shown, nothing changes and the answer says what moved. */
  private unmoved(expected: DecidedOn | undefined): Step | null {
    if (!expected) return null;
    const at = this.ctx.actionType;
    const changed: Record<string, { was: unknown; now: unknown }> = {};
    if (expected.tier !== undefined && expected.tier !== at.tier) changed.tier = { was: expected.tier, now: at.tier };
    if (expected.frozen !== undefined && expected.frozen !== at.frozen)
      changed.frozen = { was: expected.frozen, now: at.frozen };
    if (expected.stateVersion !== at.stateVersion)
      changed.stateVersion = { was: expected.stateVersion, now: at.stateVersion };
    if (Object.keys(changed).length === 0) return null;
    const what = changed.tier
      ? `it is ${at.tier} now, not ${expected.tier}`
      : changed.frozen
        ? `it is ${at.frozen ? "frozen" : "not frozen"} now`
        : "its tier, freeze or policy changed";
    return refuse(
      "state_moved",
      `Nothing was changed: the action type moved since you looked (${what}). Look again and decide on the current state.`,
      {
        details: {
          changed,
          current: {
            tier: at.tier,
            frozen: at.frozen,
            stateVersion: at.stateVersion,
            tierSince: new Date(at.tierSince).toISOString(),
          },
        },
      },
    );
  }

  private demote(c: Extract<StateCommand, { type: "demote" }>): Step {
    const moved = this.unmoved(c.expected);
    if (moved) return moved;
    const at = this.ctx.actionType;
    const target = c.toTier ?? tierBelow(at.tier);
    if (!target || compareTiers(target, at.tier) >= 0)
      return refuse(
        "conflict",
        `Cannot demote from ${at.tier}${c.toTier ? ` to ${c.toTier}` : ""}: pick a lower tier.`,
      );
    return this.changeTier({
      to: target,
      frozen: at.frozen,
      cause: "manual_demotion",
      actor: c.actor,
      rationale: c.rationale.trim(),
      requestId: null,
      repinReason: `manual demotion to ${target}`,
    });
  }

  private freeze(c: Extract<StateCommand, { type: "freeze" }>): Step {
    const moved = this.unmoved(c.expected);
    if (moved) return moved;
    const at = this.ctx.actionType;
    if (at.frozen === c.frozen) return refuse("conflict", c.frozen ? "It is already frozen." : "It is not frozen.");
    return this.changeTier({
      to: at.tier,
      frozen: c.frozen,
      cause: c.frozen ? "freeze" : "unfreeze",
      actor: c.actor,
      rationale: c.rationale.trim(),
      requestId: null,
      repinReason: c.frozen ? "frozen" : "unfrozen",
    });
  }

  // --- policy ----------------------------------------------------------------------------------

  private writePolicy(
    rules: PolicyRules,
    reason: string,
    requestId: string | null,
    actor: StateActor,
    how: "tightened" | "loosened",
  ): PolicyVersion {
    const policy: PolicyVersion = { id: this.deps.newId(), version: this.ctx.policy.version + 1, rules };
    this.effects.push({ type: "apply_policy", policy, reason, requestId, actor });
    // An approved loosening lets a failed `wilson` look be taken again (SPEC §2); nothing else does.
    const look = this.ctx.actionType.evidence.look;
    let evidence = this.ctx.actionType.evidence;
    if (requestId && look && !look.cleared) {
      this.effects.push({ type: "reset_evidence", scope: "gate_look" });
      evidence = { ...evidence, look: null };
    }
    this.ctx = { ...this.ctx, policy, actionType: { ...this.ctx.actionType, evidence } };
    this.audit(actor, "policy.version_created", "policy", policy.id, {
      version: policy.version,
      reason,
      requestId,
      rules,
    });
    this.repin(`policy ${how} to version ${policy.version}`);
    this.supersede(policy.version);
    return policy;
  }

  private editPolicy(c: Extract<StateCommand, { type: "edit_policy" }>): Step {
    const current = this.ctx.policy;
    if (c.basedOnVersion !== undefined && c.basedOnVersion !== current.version)
      return refuse(
        "state_moved",
        `Nothing was changed: the policy is now version ${current.version}, not ${c.basedOnVersion} as you saw it. Look at the new version and edit that.`,
        { details: { changed: { policyVersion: { was: c.basedOnVersion, now: current.version } } } },
      );
    const diff = classifyPolicyChange(current.rules, c.rules);
    if (diff.verdict === "unchanged") return refuse("conflict", "The proposed policy is the same as the current one.");
    if (diff.verdict === "tighten") {
      const created = this.writePolicy(c.rules, c.reason, null, c.actor, "tightened");
      return { type: "policy_applied", version: created.version, changes: diff.changes };
    }
    // The same loosening twice (a double click, two tabs) is one request, not two twins to review.
    const wanted = canonicalJson(c.rules);
    const twin = this.ctx.requests.find(
      (r) =>
        r.state.kind === "policy_change" &&
        (r.state.status === "open" || r.state.status === "approved") &&
        r.state.proposedPolicy !== undefined &&
        canonicalJson(r.state.proposedPolicy) === wanted,
    );
    if (twin)
      return refuse(
        "conflict",
        `This loosening is already waiting for review as request ${twin.state.id.slice(0, 8)}.`,
        {
          details: { requestId: twin.state.id },
        },
      );
    const { snapshot, hash } = this.deps.snapshotOf(this.ctx, this.now);
    const id = this.deps.newId();
    const opened = openRequest({
      id,
      kind: "policy_change",
      requester: c.requester,
      snapshotHash: hash,
      policy: current.rules,
      policyVersion: current.version,
      now: this.now,
      proposedPolicy: c.rules,
    });
    if ("error" in opened) return refuse(opened.error.code, opened.error.message);
    const s = opened.state;
    this.addRequest(s, c.reason, snapshot);
    this.audit(c.actor, "request.opened", "request", id, {
      kind: "policy_change",
      basedOnVersion: current.version,
      changes: diff.changes,
      reason: c.reason,
      reviewersRequired: s.requiredApprovals,
    });
    return { type: "policy_review", requestId: id, reviewersRequired: s.requiredApprovals, changes: diff.changes };
  }

  // --- evidence and the detector ----------------------------------------------------------------

  private ingest(outcomes: readonly FoldOutcome[]): Step {
    const at = this.ctx.actionType;
    const folded = foldEvidence(at.evidence, outcomes, {
      tier: at.tier,
      tierSince: at.tierSince,
      rules: this.ctx.policy.rules,
      policyVersion: this.ctx.policy.version,
    });
    this.effects.push({ type: "set_evidence", evidence: folded.state });
    this.ctx = { ...this.ctx, actionType: { ...at, evidence: folded.state } };
    return { type: "folded", change: this.detect(folded.peakCusum, folded.worstIncident) };
  }

  /** The automatic demotion detector (after each ingest batch, and by the sweep); RUN's ramp moves here too. */
  private detect(peakCusum: number, worstIncident: Severity | null) {
    const at = this.ctx.actionType;
    if (at.tier === "CRAWL") return null;
    const policy = this.ctx.policy;
    // The detector's minimum sample: what it counted in the window (wrong-tier failures included).
    const window = demotionSampleFrom(at.evidence, windowStartDay(this.now, policy.rules.tiers[at.tier].windowDays));
    const verdict = evaluateDemotion(
      { tier: at.tier, cusum: peakCusum, window, incidentSeverity: worstIncident },
      policy.rules,
    );
    const slider = sliderOf(policy.rules);
    if (verdict.action !== "demote") {
      this.advanceRamp();
      return null;
    }
    // A detector alarm in RUN with a lower ramp step to go back to steps back (an incident still demotes).
    const back = at.tier === "RUN" && verdict.breached.metric === "cusum" ? rampStepBack(slider, at.rampStep) : null;
    if (back) {
      this.changeRampStep({
        ...back,
        cause: "ramp_step_back",
        actor: { type: "system", label: "detector:cusum" },
        rationale: `${verdict.reason.replace(/: RUN → WALK$/, "")}: RUN's ramp ${back.fromPercent}% → ${back.toPercent}%`,
        details: { ...verdict.breached, policyVersion: policy.version },
      });
      return { actionKey: at.key, from: at.tier, to: at.tier, reason: `ramp stepped back to ${back.toPercent}%` };
    }
    // A freeze holds promotions back; it never shields a regressing agent from demotion.
    this.changeTier({
      to: verdict.to,
      frozen: at.frozen,
      cause: "automatic_demotion",
      actor: { type: "system", label: `detector:${verdict.breached.metric}` },
      rationale: verdict.reason,
      requestId: null,
      breached: { ...verdict.breached, policyVersion: policy.version },
      repinReason: `automatic demotion to ${verdict.to}`,
    });
    return { actionKey: at.key, from: at.tier, to: verdict.to, reason: verdict.reason };
  }

  /** Moves a ramp schedule to its next step when the RUN bar holds on the subjects already ramped. */
  private advanceRamp() {
    const at = this.ctx.actionType;
    const policy = this.ctx.policy;
    const verdict = evaluateRampAdvance({
      tier: at.tier,
      frozen: at.frozen,
      slider: sliderOf(policy.rules),
      rampStep: at.rampStep,
      rampStepSince: at.rampStepSince,
      now: this.now,
      rules: policy.rules,
      evidence: at.evidence,
    });
    if (verdict.action !== "advance") return;
    this.changeRampStep({
      toStep: verdict.toStep,
      fromPercent: verdict.fromPercent,
      toPercent: verdict.toPercent,
      cause: "ramp_advance",
      actor: { type: "system", label: "ramp:run-bar" },
      rationale: verdict.reason,
      details: { ...verdict.evidence, policyVersion: policy.version },
    });
  }

  /** A ramp step change: the tier stays, the share of subjects it acts on moves. A step back restarts the detector. */
  private changeRampStep(c: {
    toStep: number;
    fromPercent: number;
    toPercent: number;
    cause: "ramp_advance" | "ramp_step_back";
    actor: StateActor;
    rationale: string;
    details: Record<string, unknown>;
  }) {
    const at = this.ctx.actionType;
    const changeId = this.deps.newId();
    this.effects.push({
      type: "change_ramp_step",
      changeId,
      tier: at.tier,
      frozen: at.frozen,
      fromStep: at.rampStep,
      toStep: c.toStep,
      fromPercent: c.fromPercent,
      toPercent: c.toPercent,
      cause: c.cause,
      actor: c.actor,
      rationale: c.rationale,
      details: c.details,
    });
    if (c.cause === "ramp_step_back") this.effects.push({ type: "reset_evidence", scope: "detector" });
    this.ctx = {
      ...this.ctx,
      actionType: {
        ...at,
        rampStep: c.toStep,
        rampStepSince: this.now,
        stateVersion: at.stateVersion + 1,
        ...(c.cause === "ramp_step_back" ? { evidence: { ...at.evidence, cusum: 0 } } : {}),
      },
    };
    this.audit(c.actor, `tier.${c.cause}`, "action_type", at.id, {
      tierChangeId: changeId,
      tier: at.tier,
      fromStep: at.rampStep,
      toStep: c.toStep,
      fromPercent: c.fromPercent,
      toPercent: c.toPercent,
      rationale: c.rationale,
      requestId: null,
      breached: c.details,
    });
    this.notify(changeId, c.cause);
  }

  private notify(changeId: string, cause: TierChangeCause) {
    const { tier, frozen, tierSince } = this.ctx.actionType;
    this.effects.push({ type: "notify", changeId, cause, tier, frozen, tierSince });
  }

  private audit(
    actor: StateActor,
    kind: StateAuditKind,
    entityType: AuditEffect["entityType"],
    entityId: string,
    data: Record<string, unknown>,
  ) {
    this.effects.push({ type: "audit", actor, kind, entityType, entityId, data });
  }
}

const SYSTEM: StateActor = { type: "system", label: "system" };

/** First UTC day of a window of `days` days ending today. */
export function windowStartDay(now: number, days: number): string {
  return dayKey(now - (days - 1) * DAY_MS);
}

/** The eligibility a state's evidence gives (what a request snapshots, and the apply re-checks). */
export function stateEligibility(ctx: StateContext, now: number, openRequest: boolean): EligibilityResult {
  const at = ctx.actionType;
  const window = evidenceFrom(at.evidence, windowStartDay(now, ctx.policy.rules.tiers[at.tier].windowDays));
  return evaluateEligibility(
    {
      tier: at.tier,
      tierSince: new Date(at.tierSince),
      frozen: at.frozen,
      openRequest,
      evidence: { successes: at.evidence.successes, trials: at.evidence.trials },
      window,
      restarts: at.evidence.restarts,
      look: at.evidence.look,
    },
    ctx.policy.rules,
    now,
  );
}
