// What-if replay (SPEC §7): a policy replayed over the recorded outcomes of an action type through the
// live path's own core. Each recorded ingest batch is one `ingest` command of the state interpreter
// (action-type-state.ts: the evidence fold, the detector, the ramp), decided at the moment it was
// received, exactly where the live path decided; people's recorded changes go through the same core
// between batches. `when_eligible` takes a promotion the moment the eligibility the request snapshot
// reads (stateEligibility) says eligible, checked after each batch. Pure: no clock, no I/O.
import {
  decideStateChange,
  stateEligibility,
  tierEntered,
  type StateCommand,
  type StateContext,
  type StateDeps,
} from "./action-type-state";
import { freshEvidence, type EvidenceState, type FoldOutcome } from "./evidence-fold";
import { tierAbove } from "./outcomes";
import type { PolicyRules, Tier } from "./types";

/** A change people made (kept as it happened), or one the replay derives. */
export interface ReplayChange {
  at: number;
  from: Tier;
  to: Tier;
  cause: string;
  /** derived by the replay (promotion when eligible, automatic demotion) rather than recorded */
  derived: boolean;
  reason?: string;
}

export interface RecordedChange {
  at: number;
  to: Tier;
  frozen: boolean;
  cause: string;
}

export interface ReplayOptions {
  rules: PolicyRules;
  policyVersion: number;
  /** epoch ms the action type was created (in CRAWL) */
  createdAt: number;
  /** the recorded tier changes, in order */
  recorded: readonly RecordedChange[];
  /**
   * as_recorded: people's changes (promotions, overrides, manual demotions, freezes) happen when they
   * really did and the detector is replayed; when_eligible: a promotion happens the moment the policy
   * makes the action type eligible (what a reviewer could at the earliest have approved).
   */
  promote: "as_recorded" | "when_eligible";
}

export interface ReplayResult {
  changes: ReplayChange[];
  /** first moments the replayed policy made the action type eligible for promotion, per stay */
  eligibleAt: Array<{ at: number; tier: Tier }>;
  tier: Tier;
  frozen: boolean;
  tierSince: number;
  state: EvidenceState;
  outcomes: number;
}

const HUMAN_CAUSES = new Set(["promotion", "override", "manual_demotion", "freeze", "unfreeze"]);
const REPLAY_ACTOR = { type: "system", label: "replay" } as const;

export class PolicyReplay {
  private ctx: StateContext;
  private readonly changes: ReplayChange[] = [];
  private readonly eligibleAt: Array<{ at: number; tier: Tier }> = [];
  private eligibleSeen = false;
  private recordedIndex = 0;
  private count = 0;
  private readonly recorded: RecordedChange[];
  private readonly deps: StateDeps;

  constructor(private readonly o: ReplayOptions) {
    const at = o.createdAt;
    this.ctx = {
      actionType: {
        id: "replay",
        agentId: "replay",
        key: "replay",
        tier: "CRAWL",
        tierSince: at,
        frozen: false,
        stateVersion: 0,
        rampStep: 0,
        rampStepSince: at,
        evidence: freshEvidence(at),
      },
      policy: { id: "replay", version: o.policyVersion, rules: o.rules },
      requests: [],
    };
    this.recorded = o.recorded.filter(
      (c) => HUMAN_CAUSES.has(c.cause) && (o.promote === "as_recorded" || c.cause !== "promotion"),
    );
    let ids = 0;
    this.deps = {
      newId: () => `replay-${++ids}`,
      // No request is open in a replay; the core asks only to re-pin one.
      snapshotOf: (ctx, now) => ({ snapshot: null, hash: "", eligibility: stateEligibility(ctx, now, false) }),
    };
  }

  /** One recorded ingest batch, decided at `at` (when it was received), as the live ingest did. */
  push(batch: readonly FoldOutcome[], at: number): void {
    if (batch.length === 0) return;
    // People's changes recorded before this batch was received happen first.
    this.applyRecorded(at);
    this.count += batch.length;
    const before = this.ctx.actionType.tier;
    const d = this.decide({ type: "ingest", outcomes: batch }, at);
    const change = d && d.answer.type === "folded" ? d.answer.change : null;
    if (this.ctx.actionType.tier !== before) this.record(at, before, "automatic_demotion", true, change?.reason);
    else this.checkEligible(at);
  }

  finish(now: number): ReplayResult {
    this.applyRecorded(now);
    this.checkEligible(now);
    const at = this.ctx.actionType;
    return {
      changes: this.changes,
      eligibleAt: this.eligibleAt,
      tier: at.tier,
      frozen: at.frozen,
      tierSince: at.tierSince,
      state: at.evidence,
      outcomes: this.count,
    };
  }

  private decide(command: StateCommand, at: number) {
    const d = decideStateChange(this.ctx, command, at, this.deps);
    if (!d.ok) return null;
    this.ctx = { ...d.context, requests: [] };
    return d;
  }

  private checkEligible(at: number): void {
    const facts = this.ctx.actionType;
    if (this.eligibleSeen || facts.tier === "RUN") return;
    const result = stateEligibility(this.ctx, at, false);
    if (!result.eligible) return;
    this.eligibleSeen = true;
    this.eligibleAt.push({ at, tier: facts.tier });
    const to = tierAbove(facts.tier);
    if (this.o.promote === "when_eligible" && to) this.enter(at, to, facts.frozen, "promotion", result.gate?.label);
  }

  /** Applies people's recorded changes up to `until`, through the same core where it has a command. */
  private applyRecorded(until: number): void {
    for (let c = this.recorded[this.recordedIndex]; c && c.at <= until; c = this.recorded[++this.recordedIndex]) {
      const from = this.ctx.actionType.tier;
      if (c.cause === "freeze" || c.cause === "unfreeze") {
        if (this.decide({ type: "freeze", frozen: c.frozen, rationale: c.cause, actor: REPLAY_ACTOR }, c.at))
          this.changes.push({ at: c.at, from, to: from, cause: c.cause, derived: false });
      } else if (c.cause === "manual_demotion") {
        // A manual demotion below a tier the replay never reached is no change at all (the core refuses it).
        if (this.decide({ type: "demote", toTier: c.to, rationale: c.cause, actor: REPLAY_ACTOR }, c.at))
          this.record(c.at, from, c.cause, false);
      } else if (c.to !== from) this.enter(c.at, c.to, this.ctx.actionType.frozen, c.cause, undefined, false);
    }
  }

  /** A promotion (recorded, or taken when eligible): the tier entered as the core enters it. */
  private enter(at: number, to: Tier, frozen: boolean, cause: string, reason?: string, derived = true): void {
    const from = this.ctx.actionType.tier;
    this.ctx = { ...this.ctx, actionType: tierEntered(this.ctx.actionType, to, frozen, at) };
    this.record(at, from, cause, derived, reason);
  }

  private record(at: number, from: Tier, cause: string, derived: boolean, reason?: string): void {
    const to = this.ctx.actionType.tier;
    this.changes.push({ at, from, to, cause, derived, ...(reason ? { reason } : {}) });
    this.eligibleSeen = false;
  }
}
