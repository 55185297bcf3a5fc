// The live evidence of one action type: its state, pinned-able policy, cumulative promotion
// evidence, the window shown to people, the gate's verdict and eligibility. What a promotion request
// snapshots and what reviewers see beside the snapshot.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { evaluateEligibility, wilsonInterval, type EligibilityResult } from "@/lib/gating";
import type { Counts, PolicyRules, Tier } from "@/lib/gating/types";
import { currentPolicy } from "@/lib/policies/data";
import { windowCounts } from "./data";

type Reader = Db | Tx;

export interface LiveEvidence {
  actionType: { id: string; key: string; agentId: string; agentSlug: string; tier: Tier; tierSince: string; frozen: boolean; stateVersion: number; agentVersion: string | null };
  policy: { id: string; version: number; rules: PolicyRules };
  evidence: Counts & { since: string };
  window: Counts & { days: number; rate: number; wilson: { lower: number; upper: number } };
  eligibility: EligibilityResult;
  takenAt: string;
}

/** Promotion or override requests that may still be in flight. */
export const PENDING_PROMOTIONS = { kind: { in: ["promotion", "override"] as Array<"promotion" | "override"> }, status: { in: ["open", "approved"] as Array<"open" | "approved"> } };

/**
 * Does this pending request block a new one? An approved request whose apply was refused blocks only
 * while it could still be applied (same tier, same tier state as its snapshot); once the tier state
 * moved on it never can, and must not block every later request out of this action type.
 */
export function blocksNewRequest(r: { status: string; fromTier: string | null; snapshot: unknown }, at: { tier: string; stateVersion: number }): boolean {
  if (r.status === "open") return true;
  return r.fromTier === at.tier && (r.snapshot as { actionType?: { stateVersion?: number } } | null)?.actionType?.stateVersion === at.stateVersion;
}

export async function liveEvidence(db: Reader, actionTypeId: string, now: Date): Promise<LiveEvidence> {
  const at = await db.actionType.findUniqueOrThrow({
    where: { id: actionTypeId },
    select: { id: true, key: true, agentId: true, tier: true, tierSince: true, frozen: true, stateVersion: true, agentVersion: true, evidenceSince: true, evidenceSuccesses: true, evidenceTrials: true, agent: { select: { slug: true } } },
  });
  const policy = await currentPolicy(db, actionTypeId);
  const tier = at.tier as Tier;
  const days = policy.rules.tiers[tier].windowDays;
  const window = await windowCounts(db, actionTypeId, tier, days, now);
  const pending = await db.reviewRequest.findMany({ where: { actionTypeId, ...PENDING_PROMOTIONS }, select: { status: true, fromTier: true, snapshot: true } });
  const openRequests = pending.filter((r) => blocksNewRequest(r, at)).length;
  const evidence = { successes: at.evidenceSuccesses, trials: at.evidenceTrials };
  const eligibility = evaluateEligibility({ tier, tierSince: at.tierSince, frozen: at.frozen, openRequest: openRequests > 0, evidence, window }, policy.rules, now);
  const w = wilsonInterval(window.successes, window.trials);
  return {
    actionType: { id: at.id, key: at.key, agentId: at.agentId, agentSlug: at.agent.slug, tier, tierSince: at.tierSince.toISOString(), frozen: at.frozen, stateVersion: at.stateVersion, agentVersion: at.agentVersion },
    policy: { id: policy.id, version: policy.version, rules: policy.rules },
    evidence: { ...evidence, since: at.evidenceSince.toISOString() },
    window: { ...window, days, rate: window.trials ? window.successes / window.trials : 0, wilson: { lower: w.lower, upper: w.upper } },
    eligibility,
    takenAt: now.toISOString(),
  };
}
