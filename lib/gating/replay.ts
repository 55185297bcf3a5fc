// What-if replay (SPEC §7): a policy replayed over the recorded outcomes of an action type through
// the same pure fold as the live gate (evidence-fold.ts), the same detector (demotion.ts) and the same
// eligibility (eligibility.ts). Streaming: outcomes are pushed in (occurredAt, id) order, in pages, and
// folded a UTC day at a time (the live ingest folds a batch and checks after it), so memory holds one
// day of outcomes, whatever the history's length. Pure: no clock, no I/O.
import {
  demotionSampleFrom,
  dayKey,
  evidenceFrom,
  foldEvidence,
  freshEvidence,
  type EvidenceState,
  type FoldOutcome,
} from "./evidence-fold";
import { evaluateDemotion } from "./demotion";
import { evaluateEligibility, DAY_MS } from "./eligibility";
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

export class PolicyReplay {
  private tier: Tier = "CRAWL";
  private frozen = false;
  private tierSince: number;
  private state: EvidenceState;
  private day: string | null = null;
  private buffer: FoldOutcome[] = [];
  private peak = 0;
  private readonly changes: ReplayChange[] = [];
  private readonly eligibleAt: Array<{ at: number; tier: Tier }> = [];
  private eligibleSeen = false;
  private recordedIndex = 0;
  private count = 0;
  private readonly recorded: RecordedChange[];

  constructor(private readonly o: ReplayOptions) {
    this.tierSince = o.createdAt;
    this.state = freshEvidence(o.createdAt);
    this.recorded = o.recorded.filter(
      (c) => HUMAN_CAUSES.has(c.cause) && (o.promote === "as_recorded" || c.cause !== "promotion"),
    );
  }

  /** Feeds outcomes in (occurredAt, id) order; a page may end mid-day. */
  push(outcomes: readonly FoldOutcome[]): void {
    for (const e of outcomes) {
      const d = dayKey(e.occurredAt);
      if (this.day !== null && d !== this.day) this.flush();
      this.day = d;
      this.buffer.push(e);
    }
  }

  finish(now: number): ReplayResult {
    this.flush();
    this.applyRecorded(now);
    this.checkEligible(now);
    return {
      changes: this.changes,
      eligibleAt: this.eligibleAt,
      tier: this.tier,
      frozen: this.frozen,
      tierSince: this.tierSince,
      state: this.state,
      outcomes: this.count,
    };
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const first = batch[0]!.occurredAt;
    // People's changes before this day's outcomes happen first (a stay's evidence starts after them).
    this.applyRecorded(first);
    this.checkEligible(first);
    // A recorded change inside the day splits it, as the live fold saw the outcomes on either side.
    let i = 0;
    while (i < batch.length) {
      const next = this.recorded[this.recordedIndex];
      let j = i;
      while (j < batch.length && (!next || batch[j]!.occurredAt < next.at)) j++;
      if (j > i) this.fold(batch.slice(i, j), batch[j - 1]!.occurredAt);
      // next.at ≤ the outcome at j: applying it moves recordedIndex on, so the loop always advances.
      if (j < batch.length) this.applyRecorded(batch[j]!.occurredAt);
      i = j;
    }
  }

  private fold(outcomes: FoldOutcome[], at: number): void {
    this.count += outcomes.length;
    const r = foldEvidence(this.state, outcomes, {
      tier: this.tier,
      tierSince: this.tierSince,
      rules: this.o.rules,
      policyVersion: this.o.policyVersion,
    });
    this.state = r.state;
    this.peak = r.peakCusum;
    this.detect(at, r.worstIncident);
    this.checkEligible(at);
  }

  private detect(at: number, incident: FoldOutcome["severity"]): void {
    if (this.tier === "CRAWL") return;
    const rules = this.o.rules;
    const window = demotionSampleFrom(this.state, dayKey(at - (rules.tiers[this.tier].windowDays - 1) * DAY_MS));
    const verdict = evaluateDemotion(
      { tier: this.tier, cusum: this.peak, window, incidentSeverity: incident ?? null },
      rules,
    );
    if (verdict.action !== "demote") return;
    this.move(at, verdict.to, "automatic_demotion", true, verdict.reason);
  }

  private checkEligible(at: number): void {
    if (this.eligibleSeen || this.tier === "RUN") return;
    const rules = this.o.rules;
    const window = evidenceFrom(this.state, dayKey(at - (rules.tiers[this.tier].windowDays - 1) * DAY_MS));
    const result = evaluateEligibility(
      {
        tier: this.tier,
        tierSince: new Date(this.tierSince),
        frozen: this.frozen,
        openRequest: false,
        evidence: { successes: this.state.successes, trials: this.state.trials },
        window,
        restarts: this.state.restarts,
        look: this.state.look,
      },
      rules,
      at,
    );
    if (!result.eligible) return;
    this.eligibleSeen = true;
    this.eligibleAt.push({ at, tier: this.tier });
    if (this.o.promote === "when_eligible") {
      const to = tierAbove(this.tier);
      if (to) this.move(at, to, "promotion", true, result.gate?.label);
    }
  }

  /** Applies people's recorded changes up to `until`. */
  private applyRecorded(until: number): void {
    for (let c = this.recorded[this.recordedIndex]; c && c.at <= until; c = this.recorded[++this.recordedIndex]) {
      if (c.cause === "freeze" || c.cause === "unfreeze") {
        this.frozen = c.frozen;
        this.changes.push({ at: c.at, from: this.tier, to: this.tier, cause: c.cause, derived: false });
        continue;
      }
      // A manual demotion below a tier the replay never reached is no change at all.
      if (c.to === this.tier) continue;
      if (c.cause === "manual_demotion" && tierRank(c.to) > tierRank(this.tier)) continue;
      this.move(c.at, c.to, c.cause, false);
    }
  }

  private move(at: number, to: Tier, cause: string, derived: boolean, reason?: string): void {
    this.changes.push({ at, from: this.tier, to, cause, derived, ...(reason ? { reason } : {}) });
    this.tier = to;
    this.tierSince = at;
    const { agentVersion } = this.state;
    this.state = freshEvidence(at, agentVersion);
    this.peak = 0;
    this.eligibleSeen = false;
  }
}

const tierRank = (t: Tier) => (t === "CRAWL" ? 0 : t === "WALK" ? 1 : 2);
