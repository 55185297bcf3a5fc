// Reads of action types. Explicit selects, plain DTOs, no session.
import type { Db } from "@/lib/db";
import { evaluateEligibility, evidenceFrom, modeOf } from "@/lib/gating";
import type { PolicyRules, Tier } from "@/lib/gating/types";
import { policyRulesSchema } from "@/lib/policies/schema";
import { windowStart } from "@/lib/metrics/data";
import { blocksNewRequest, PENDING_PROMOTIONS } from "@/lib/metrics/evidence";
import { dayOf } from "@/lib/metrics/mutations";
import { EVIDENCE_STATE_SELECT, toEvidenceState } from "@/lib/metrics/evidence-state";
import type { TierView } from "./schema";

export interface OverviewRow {
  id: string;
  agentSlug: string;
  agentName: string;
  key: string;
  name: string;
  blastRadius: string;
  reversible: boolean;
  tier: Tier;
  tierSince: string;
  frozen: boolean;
  /** bumped on every tier, freeze or policy change: forms send it back (SPEC §3 rule 11) */
  stateVersion: number;
  policyVersion: number;
  gateMethod: string;
  /** success rate in the tier's window, with its size */
  windowRate: number | null;
  windowTrials: number;
  promotionThreshold: number | null;
  demotionThreshold: number | null;
  /** daily success rate of the current evidence over the last 14 days (null on a day without outcomes) */
  spark: Array<number | null>;
  eligible: boolean;
  unmet: Array<{ code: string; message: string }>;
  gateLabel: string | null;
  openRequests: number;
  lastDemotion: { at: string; cause: string } | null;
}

const SPARK_DAYS = 14;

/** Every agent × action type with health and eligibility, in a fixed number of queries. */
export async function listOverview(db: Db, now: Date = new Date()): Promise<OverviewRow[]> {
  const rows = await db.actionType.findMany({
    select: {
      id: true, key: true, name: true, blastRadius: true, reversible: true, tier: true, tierSince: true, frozen: true, stateVersion: true,
      ...EVIDENCE_STATE_SELECT,
      agent: { select: { slug: true, name: true } },
      policies: { orderBy: { version: "desc" }, take: 1, select: { version: true, rules: true } },
      tierChanges: { where: { cause: { in: ["automatic_demotion", "manual_demotion"] } }, orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true, cause: true } },
    },
    orderBy: [{ agent: { slug: "asc" } }, { key: "asc" }],
  });
  const parsed = rows.map((r) => policyRulesSchema.parse(r.policies[0]?.rules) as PolicyRules);
  // The window and the spark line are the evidence fold's own (lib/gating/evidence-fold.ts), stored
  // on the row: no rollup query, and the same evidence the gate reads.
  const sparkDays = Array.from({ length: SPARK_DAYS }, (_, i) => dayOf(new Date(now.getTime() - (SPARK_DAYS - 1 - i) * 86_400_000)));
  // "Open requests" are the ones waiting for review; approved-but-unapplied ones show in eligibility.
  const open = await db.reviewRequest.groupBy({ by: ["actionTypeId"], where: { status: "open" }, _count: { _all: true } });
  const openById = new Map(open.map((o) => [o.actionTypeId, o._count._all]));
  const pending = await db.reviewRequest.findMany({ where: PENDING_PROMOTIONS, select: { actionTypeId: true, status: true, fromTier: true, snapshot: true } });

  return rows.map((r, index) => {
    const rules = parsed[index]!;
    const tierRules = rules.tiers[r.tier];
    const state = toEvidenceState(r);
    const window = evidenceFrom(state, windowStart(now, tierRules.windowDays));
    const openPromotion = pending.some((p) => p.actionTypeId === r.id && blocksNewRequest(p, r));
    const elig = evaluateEligibility({ tier: r.tier, tierSince: r.tierSince, frozen: r.frozen, openRequest: openPromotion, evidence: { successes: state.successes, trials: state.trials }, window, restarts: state.restarts, look: state.look }, rules, now);
    const spark = sparkDays.map((day) => {
      const d = state.days[day];
      return d && d[1] > 0 ? d[0] / d[1] : null;
    });
    return {
      id: r.id,
      agentSlug: r.agent.slug,
      agentName: r.agent.name,
      key: r.key,
      name: r.name,
      blastRadius: r.blastRadius,
      reversible: r.reversible,
      tier: r.tier,
      tierSince: r.tierSince.toISOString(),
      frozen: r.frozen,
      stateVersion: r.stateVersion,
      policyVersion: r.policies[0]?.version ?? 0,
      gateMethod: rules.gate,
      windowRate: window.trials ? window.successes / window.trials : null,
      windowTrials: window.trials,
      promotionThreshold: tierRules.promotion?.threshold ?? null,
      demotionThreshold: tierRules.demotion?.threshold ?? null,
      spark,
      eligible: elig.eligible,
      unmet: elig.unmet.map((u) => ({ code: u.code, message: u.message })),
      gateLabel: elig.gate?.label ?? null,
      openRequests: openById.get(r.id) ?? 0,
      lastDemotion: r.tierChanges[0] ? { at: r.tierChanges[0].createdAt.toISOString(), cause: r.tierChanges[0].cause } : null,
    };
  });
}

const tierSelect = {
  key: true,
  name: true,
  tier: true,
  frozen: true,
  tierSince: true,
  policies: { orderBy: { version: "desc" }, take: 1, select: { version: true } },
} as const;

function toTierView(r: { key: string; name: string; tier: "CRAWL" | "WALK" | "RUN"; frozen: boolean; tierSince: Date; policies: Array<{ version: number }> }): TierView {
  return { action: r.key, name: r.name, tier: r.tier, mode: modeOf(r.tier), frozen: r.frozen, tierSince: r.tierSince.toISOString(), policyVersion: r.policies[0]?.version ?? 0 };
}

/** Every action type of one agent, as the agent API shows it. */
export async function listAgentTiers(db: Db, agentId: string): Promise<TierView[]> {
  const rows = await db.actionType.findMany({ where: { agentId }, orderBy: { key: "asc" }, select: tierSelect });
  return rows.map(toTierView);
}

/** One action type of one agent by key (looked up in the database, never through an object). */
export async function agentTier(db: Db, agentId: string, key: string): Promise<TierView | null> {
  const r = await db.actionType.findUnique({ where: { agentId_key: { agentId, key } }, select: tierSelect });
  return r ? toTierView(r) : null;
}

/** Key and name of one action type, or null. */
export async function actionTypeName(db: Db, id: string): Promise<{ key: string; name: string } | null> {
  return db.actionType.findUnique({ where: { id }, select: { key: true, name: true } });
}
