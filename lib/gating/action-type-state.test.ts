// The one interpreter of action-type state (issue 13): every change is decided here, with its
// follow-ups. A writer can no longer forget one: a tier or freeze change re-pins every open promotion
// or override; a new policy version re-pins them and closes every policy change it supersedes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical";
import { defaultPolicy } from "./defaults";
import { freshEvidence } from "./evidence-fold";
import {
  decideStateChange,
  stateEligibility,
  type LiveRequest,
  type StateCommand,
  type StateContext,
  type StateDeps,
  type StateEffect,
} from "./action-type-state";
import type { BlastRadius, PolicyRules, Tier } from "./types";

const NOW = Date.UTC(2026, 11, 1, 12);
const DAY = 86_400_000;
const ADMIN = { type: "user" as const, id: "u-admin", label: "Ada Admin" };
const RATIONALE = "Regression seen in the weekly review; demote until fixed.";

function deps(): StateDeps {
  let n = 0;
  return {
    newId: () => `id-${++n}`,
    // A stand-in snapshot: any pure function of the state will do for the decision's shape.
    snapshotOf: (ctx, now) => ({
      snapshot: { tier: ctx.actionType.tier, v: ctx.actionType.stateVersion, p: ctx.policy.version },
      hash: `h:${canonicalJson({ at: ctx.actionType.stateVersion, tier: ctx.actionType.tier, p: ctx.policy.id })}`,
      eligibility: stateEligibility(ctx, now, false),
    }),
  };
}

function request(
  id: string,
  kind: "promotion" | "override" | "policy_change",
  status: "open" | "approved",
  ctx: { tier: Tier; policy: { id: string; version: number; rules: PolicyRules } },
): LiveRequest {
  return {
    state: {
      id,
      kind,
      status,
      requesterId: "u-engineer",
      fromTier: kind === "policy_change" ? null : ctx.tier,
      toTier: kind === "policy_change" ? null : ctx.tier === "CRAWL" ? "WALK" : "RUN",
      snapshotHash: "h:old",
      requiredApprovals: 2,
      expiresAt: NOW + 7 * DAY,
      policyVersionPinned: ctx.policy.version,
      ...(kind === "policy_change" ? { proposedPolicy: loosened(ctx.policy.rules) } : {}),
      reviews: [
        { reviewerId: "u-r1", decision: "approve", snapshotHash: "h:old", rationale: RATIONALE, at: NOW - DAY },
      ],
    },
    pinned: ctx.policy,
    snapshotStateVersion: 3,
  };
}

function loosened(rules: PolicyRules): PolicyRules {
  const r = structuredClone(rules);
  r.tiers.CRAWL.promotion!.threshold -= 0.01;
  return r;
}
function tightened(rules: PolicyRules): PolicyRules {
  const r = structuredClone(rules);
  r.tiers.CRAWL.promotion!.threshold += 0.01;
  return r;
}

function context(o: {
  tier?: Tier;
  frozen?: boolean;
  radius?: BlastRadius;
  requests?: Array<["promotion" | "override" | "policy_change", "open" | "approved"]>;
}): StateContext {
  const tier = o.tier ?? "WALK";
  const policy = { id: "p-1", version: 1, rules: defaultPolicy(o.radius ?? "medium") };
  return {
    actionType: {
      id: "at-1",
      agentId: "ag-1",
      key: "refund.issue",
      tier,
      tierSince: NOW - 20 * DAY,
      frozen: o.frozen ?? false,
      stateVersion: 3,
      rampStep: 0,
      rampStepSince: NOW - 20 * DAY,
      evidence: freshEvidence(NOW - 20 * DAY, "v1"),
    },
    policy,
    requests: (o.requests ?? []).map(([kind, status], i) => request(`rq-${i}`, kind, status, { tier, policy })),
  };
}

const of = <T extends StateEffect["type"]>(effects: StateEffect[], type: T) =>
  effects.filter((e): e is Extract<StateEffect, { type: T }> => e.type === type);

/** The follow-ups every change must carry, checked on any decision. */
function expectFollowUps(ctx: StateContext, effects: StateEffect[]) {
  const openPromotions = ctx.requests
    .filter((r) => r.state.status === "open" && r.state.kind !== "policy_change")
    .map((r) => r.state.id);
  const repinned = of(effects, "repin_requests").flatMap((e) => e.requestIds);
  if (of(effects, "change_tier").length > 0 || of(effects, "apply_policy").length > 0)
    expect(repinned.sort()).toEqual([...openPromotions].sort());
  if (of(effects, "apply_policy").length > 0) {
    const livePolicyChanges = ctx.requests
      .filter((r) => r.state.kind === "policy_change" && (r.state.status === "open" || r.state.status === "approved"))
      .map((r) => r.state.id);
    expect(
      of(effects, "supersede_policy_changes")
        .flatMap((e) => e.requestIds)
        .sort(),
    ).toEqual(livePolicyChanges.sort());
  }
  for (const c of of(effects, "change_tier")) {
    // Each tier change is audited and announced, and a new tier restarts the evidence.
    expect(of(effects, "audit").some((a) => a.data.tierChangeId === c.changeId)).toBe(true);
    expect(of(effects, "notify").some((n) => n.changeId === c.changeId)).toBe(true);
    if (c.from !== c.to) expect(of(effects, "reset_evidence").some((r) => r.scope === "tier")).toBe(true);
  }
}

describe("decideStateChange: one decision, with its follow-ups", () => {
  it("a manual demotion re-pins the open promotion (its approval stops counting) and restarts the evidence", () => {
    const ctx = context({ tier: "WALK", requests: [["promotion", "open"]] });
    const d = decideStateChange(ctx, { type: "demote", rationale: RATIONALE, actor: ADMIN }, NOW, deps());
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.answer).toMatchObject({ type: "tier_changed", from: "WALK", to: "CRAWL", stateVersion: 4 });
    expect(of(d.effects, "change_tier")).toMatchObject([{ from: "WALK", to: "CRAWL", cause: "manual_demotion" }]);
    expect(of(d.effects, "repin_requests")).toMatchObject([
      { requestIds: ["rq-0"], reason: "manual demotion to CRAWL" },
    ]);
    expect(of(d.effects, "audit").map((a) => a.kind)).toEqual([
      "tier.manual_demotion",
      "request.approvals_invalidated",
      "request.evidence_changed",
    ]);
    expectFollowUps(ctx, d.effects);
  });

  it("a tightening applies at once, re-pins open promotions and closes the policy changes it supersedes", () => {
    const ctx = context({
      requests: [
        ["promotion", "open"],
        ["policy_change", "open"],
        ["policy_change", "approved"],
      ],
    });
    const rules = tightened(ctx.policy.rules);
    const d = decideStateChange(
      ctx,
      { type: "edit_policy", rules, reason: RATIONALE, requester: { id: ADMIN.id, role: "admin" }, actor: ADMIN },
      NOW,
      deps(),
    );
    expect(d.ok && d.answer).toMatchObject({ type: "policy_applied", version: 2 });
    if (!d.ok) return;
    expect(of(d.effects, "apply_policy")).toMatchObject([{ policy: { version: 2 }, requestId: null }]);
    expect(of(d.effects, "supersede_policy_changes")).toMatchObject([{ requestIds: ["rq-1", "rq-2"], newVersion: 2 }]);
    expectFollowUps(ctx, d.effects);
  });

  it("a loosening changes nothing yet: it opens a policy_change request for review", () => {
    const ctx = context({});
    const d = decideStateChange(
      ctx,
      {
        type: "edit_policy",
        rules: loosened(ctx.policy.rules),
        reason: RATIONALE,
        requester: { id: ADMIN.id, role: "admin" },
        actor: ADMIN,
      },
      NOW,
      deps(),
    );
    expect(d.ok && d.answer.type).toBe("policy_review");
    if (!d.ok) return;
    expect(d.effects.map((e) => e.type)).toEqual(["open_request", "audit"]);
    expect(of(d.effects, "open_request")[0]!.request.kind).toBe("policy_change");
  });

  it("a state that moved since the form was shown is refused with what moved, and decides nothing", () => {
    const ctx = context({ tier: "RUN" });
    const d = decideStateChange(
      ctx,
      { type: "freeze", frozen: true, rationale: RATIONALE, actor: ADMIN, expected: { tier: "WALK", stateVersion: 2 } },
      NOW,
      deps(),
    );
    expect(d).toMatchObject({
      ok: false,
      refusal: { code: "state_moved", details: { changed: { tier: { was: "WALK", now: "RUN" } } } },
    });
  });

  it("an incident in the ingest batch folds the evidence and demotes to CRAWL in the same decision", () => {
    const ctx = context({ tier: "RUN", requests: [["policy_change", "open"]] });
    const d = decideStateChange(
      ctx,
      {
        type: "ingest",
        outcomes: [{ kind: "incident", tier: "RUN", occurredAt: NOW - 1000, agentVersion: "v1", severity: "critical" }],
      },
      NOW,
      deps(),
    );
    expect(d.ok && d.answer).toMatchObject({ type: "folded", change: { from: "RUN", to: "CRAWL" } });
    if (!d.ok) return;
    expect(d.effects.map((e) => e.type).slice(0, 3)).toEqual(["set_evidence", "change_tier", "reset_evidence"]);
    expectFollowUps(ctx, d.effects);
  });

  it("property: whatever the command and the requests in flight, no change leaves a follow-up out", () => {
    const kinds = fc.constantFrom<"promotion" | "override" | "policy_change">("promotion", "override", "policy_change");
    const statuses = fc.constantFrom<"open" | "approved">("open", "approved");
    fc.assert(
      fc.property(
        fc.constantFrom<Tier>("CRAWL", "WALK", "RUN"),
        fc.boolean(),
        fc.constantFrom<BlastRadius>("low", "medium", "high", "critical"),
        fc.array(fc.tuple(kinds, statuses), { maxLength: 4 }),
        fc.constantFrom("demote", "freeze", "unfreeze", "tighten", "loosen", "incident", "sweep"),
        (tier, frozen, radius, requests, which) => {
          const ctx = context({ tier, frozen, radius, requests });
          const rules = ctx.policy.rules;
          const admin = { id: ADMIN.id, role: "admin" as const };
          const command: StateCommand =
            which === "demote"
              ? { type: "demote", rationale: RATIONALE, actor: ADMIN }
              : which === "freeze" || which === "unfreeze"
                ? { type: "freeze", frozen: which === "freeze", rationale: RATIONALE, actor: ADMIN }
                : which === "tighten" || which === "loosen"
                  ? {
                      type: "edit_policy",
                      rules: which === "tighten" ? tightened(rules) : loosened(rules),
                      reason: RATIONALE,
                      requester: admin,
                      actor: ADMIN,
                    }
                  : which === "incident"
                    ? { type: "detect", peakCusum: 0, worstIncident: "critical" }
                    : { type: "detect", peakCusum: "stored" };
          const d = decideStateChange(ctx, command, NOW, deps());
          if (!d.ok) return; // a refusal writes nothing: it carries no effects at all
          expectFollowUps(ctx, d.effects);
          // Every change of state is audited in the same decision.
          if (d.effects.some((e) => e.type !== "audit")) expect(of(d.effects, "audit").length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400, seed: 1313 },
    );
  });
});
