// The one interpreter of an action type's state (SPEC §3): every change to an action type — a review,
// an apply, a withdrawal or expiry, a manual demotion or freeze, a policy edit, an ingest batch, the
// detector's sweep — is decided here, as data: `decideStateChange(context, command)` returns the
// effects to write and the answer to give, or a refusal (types: state-types.ts; the request side:
// state-requests.ts). lib/state/interpreter.ts loads the context once under the lock and applies the
// effects in the caller's transaction; nothing else writes a tier, a policy version or a request's
// state. Follow-ups are part of the decision, so no writer can forget one: a tier or freeze change
// re-pins the open requests, a new policy version re-pins them and closes the policy changes it
// supersedes. Pure: the time, fresh ids and the snapshot's hash come in as arguments.
import { verdictsOf } from "./evidence-verdict";
import { canonicalJson } from "./canonical";
import { evaluateDemotion } from "./demotion";
import { demotionSampleFrom, foldEvidence, freshEvidence, restartStep, type FoldOutcome } from "./evidence-fold";
import { windowStartDay } from "./state-eligibility";
import { compareTiers, tierBelow } from "./outcomes";
import { classifyPolicyChange } from "./policy-diff";
import { evaluateRampAdvance, rampAlpha, rampStepBack, scheduleChanged } from "./ramp";
import { openRequest } from "./request-open";
import { effectivePercent, sliderOf } from "./slider";
import { refuse, RequestSteps, SYSTEM, type Step, type TierChangeAsk } from "./state-requests";
import type {
  ActionTypeFacts,
  Answer,
  DecidedOn,
  PolicyVersion,
  StateActor,
  StateCommand,
  StateContext,
  StateDecision,
  StateDeps,
  StateEffect,
} from "./state-types";
import type { PolicyRules, Severity, Tier, TierChangeCause } from "./types";

export * from "./state-types";
export { stateEligibility, windowStartDay } from "./state-eligibility";

export function decideStateChange(
  ctx: StateContext,
  command: StateCommand,
  now: number,
  deps: StateDeps,
): StateDecision {
  const run = new Run(ctx, now, deps);
  const answer = run.command(command);
  return "refused" in answer
    ? { ok: false, refusal: answer.refused }
    : { ok: true, effects: run.effects, answer, context: run.ctx };
}

/**
 * The action type's facts on a tier change at `now`: a new tier restarts its clock, its evidence (the
 * e-process is valid over one sequence) and its ramp; the agent version carries over. Shared by the
 * interpreter and the what-if replay (replay.ts), so both enter a tier the same way.
 */
export function tierEntered(at: ActionTypeFacts, to: Tier, frozen: boolean, now: number): ActionTypeFacts {
  const tierChanged = at.tier !== to;
  return {
    ...at,
    tier: to,
    frozen,
    stateVersion: at.stateVersion + 1,
    ...(tierChanged
      ? { tierSince: now, evidence: freshEvidence(now, at.evidence.agentVersion), rampStep: 0, rampStepSince: now }
      : {}),
  };
}

/** The tier, freeze, policy and evidence side of a decision, on top of the request side. */
class Run extends RequestSteps {
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

  // --- tier and freeze -------------------------------------------------------------------------

  protected changeTier(c: TierChangeAsk): Answer {
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
    this.ctx = { ...this.ctx, actionType: tierEntered(at, c.to, c.frozen, this.now) };
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
  protected unmoved(expected: DecidedOn | undefined): Step | null {
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

  protected demote(c: Extract<StateCommand, { type: "demote" }>): Step {
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

  protected freeze(c: Extract<StateCommand, { type: "freeze" }>): Step {
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

  protected writePolicy(
    rules: PolicyRules,
    reason: string,
    requestId: string | null,
    actor: StateActor,
    how: "tightened" | "loosened",
  ): PolicyVersion {
    const before = this.ctx.policy.rules;
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
    this.restartSchedule(before, policy);
    this.repin(`policy ${how} to version ${policy.version}`);
    this.supersede(policy.version);
    return policy;
  }

  /** A new or changed ramp schedule in RUN starts its first step now, with no evidence (none is backdated). */
  protected restartSchedule(beforeRules: PolicyRules, policy: PolicyVersion) {
    const at = this.ctx.actionType;
    const before = sliderOf(beforeRules);
    const after = sliderOf(policy.rules);
    if (at.tier !== "RUN" || !scheduleChanged(before, after)) return;
    const fromPercent = effectivePercent(before, at.rampStep);
    const toPercent = effectivePercent(after, 0);
    this.changeRampStep(
      {
        toStep: 0,
        fromPercent,
        toPercent,
        cause: "slider_change",
        actor: { type: "system", label: "ramp:schedule" },
        rationale: `policy version ${policy.version} sets a new ramp schedule (${after.steps!.join(" → ")}%): it starts at its first step, ${toPercent}%, now, with no evidence: ${fromPercent}% → ${toPercent}%`,
        details: { policyVersion: policy.version },
      },
      beforeRules.alpha,
    );
  }

  protected editPolicy(c: Extract<StateCommand, { type: "edit_policy" }>): Step {
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
      justification: c.reason,
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

  protected ingest(outcomes: readonly FoldOutcome[]): Step {
    const at = this.ctx.actionType;
    const foldCtx = {
      tier: at.tier,
      tierSince: at.tierSince,
      rules: this.ctx.policy.rules,
      policyVersion: this.ctx.policy.version,
      rampStepSince: at.rampStepSince,
    };
    const folded = foldEvidence(at.evidence, outcomes, foldCtx);
    const verdicts = verdictsOf(folded, outcomes, foldCtx);
    this.effects.push({ type: "set_evidence", evidence: folded.state });
    this.ctx = { ...this.ctx, actionType: { ...at, evidence: folded.state } };
    return { type: "folded", change: this.detect(folded.peakCusum, folded.worstIncident), verdicts };
  }

  /** The automatic demotion detector (after each ingest batch, and by the sweep); RUN's ramp moves here too. */
  protected detect(peakCusum: number, worstIncident: Severity | null) {
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
  protected advanceRamp() {
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

  /**
   * A ramp step change: the tier stays, the share of subjects it acts on moves. The new step's test starts
   * now with no outcomes (α_j moves on: ramp.ts); a step back also restarts the detector.
   */
  protected changeRampStep(
    c: Pick<
      Extract<StateEffect, { type: "change_ramp_step" }>,
      "toStep" | "fromPercent" | "toPercent" | "cause" | "actor" | "rationale" | "details"
    >,
    /** the α of the policy the ended step was tested under */
    alpha = this.ctx.policy.rules.alpha,
  ) {
    const at = this.ctx.actionType;
    const changeId = this.deps.newId();
    const ended = at.evidence.step;
    // The ended step's own outcomes and the α its test ran at: the page shows them per step.
    const step = {
      successes: ended.successes,
      trials: ended.trials,
      test: ended.spent,
      alpha: rampAlpha(alpha, ended.spent),
    };
    const details = { ...c.details, step };
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
      details,
    });
    if (c.cause === "ramp_step_back") this.effects.push({ type: "reset_evidence", scope: "detector" });
    const evidence = {
      ...at.evidence,
      step: restartStep(ended),
      ...(c.cause === "ramp_step_back" ? { cusum: 0 } : {}),
    };
    this.effects.push({ type: "set_evidence", evidence });
    this.ctx = {
      ...this.ctx,
      actionType: { ...at, rampStep: c.toStep, rampStepSince: this.now, stateVersion: at.stateVersion + 1, evidence },
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
      breached: details,
    });
    this.notify(changeId, c.cause);
  }

  protected notify(changeId: string, cause: TierChangeCause) {
    const { tier, frozen, tierSince } = this.ctx.actionType;
    this.effects.push({ type: "notify", changeId, cause, tier, frozen, tierSince });
  }
}
