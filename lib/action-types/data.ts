// Reads of action types. Explicit selects, plain DTOs, no session.
import type { Db } from "@/lib/db";
import { effectivePercent, evaluateEligibility, evidenceFrom, modeOf, sliderOf } from "@cwr/gating";
import { plainGate, recentDailyVolume } from "@cwr/gating/plain-words";
import { DAY_MS, DEMOTION_CAUSES, type Tier } from "@cwr/gating/types";
import { policyRulesSchema, policySliderSchema } from "@/lib/policies/schema";
import { windowStart } from "@/lib/metrics/data";
import { blocksNewRequest } from "@cwr/gating/pending-requests";
import { PENDING_PROMOTIONS, snapshotStateVersionOf } from "@/lib/metrics/evidence";
import { dayOf } from "@/lib/metrics/mutations";
import { EVIDENCE_STATE_SELECT, toEvidenceState } from "@/lib/metrics/evidence-state";
import type { OverviewPage, OverviewQuery, TierView } from "./schema";
import { agentContract, type ContractView } from "@/lib/contracts/data";
import { refreshStaleSummaries } from "@/lib/state/mutations";

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
  /** what the gate says in words (lib/gating/plain-words), from the same evidence as `eligible`; null on RUN */
  gateSentence: string | null;
  gateCleared: boolean;
  openRequests: number;
  lastDemotion: { at: string; cause: string } | null;
}

const SPARK_DAYS = 14;
// A mutable copy: Prisma's `in` filter takes an array, and the select below is `as const`.
const DEMOTION_CAUSE_LIST: Array<(typeof DEMOTION_CAUSES)[number]> = [...DEMOTION_CAUSES];
export const OVERVIEW_PAGE_SIZE = 50;

const overviewSelect = {
  id: true,
  key: true,
  name: true,
  blastRadius: true,
  reversible: true,
  tier: true,
  tierSince: true,
  frozen: true,
  stateVersion: true,
  ...EVIDENCE_STATE_SELECT,
  agent: { select: { slug: true, name: true } },
  policies: { orderBy: { version: "desc" }, take: 1, select: { version: true, rules: true } },
  tierChanges: {
    where: { cause: { in: DEMOTION_CAUSE_LIST } },
    orderBy: { createdAt: "desc" },
    take: 1,
    select: { createdAt: true, cause: true },
  },
} as const;

const ORDER_BY = {
  agent: [{ agent: { slug: "asc" } }, { key: "asc" }, { id: "asc" }],
  // The stored summary (lib/state/health-summary.ts), read down its index: ties by key and id, like the others.
  health: [{ healthMargin: "asc" }, { key: "asc" }, { id: "asc" }],
  tier: [{ tier: "desc" }, { key: "asc" }, { id: "asc" }],
  time: [{ tierSince: "asc" }, { key: "asc" }, { id: "asc" }],
} as const;

/** The filters of the overview as a where clause; "eligible" reads the stored summary's eligibleFrom. */
function overviewWhere(q: OverviewQuery, now: Date) {
  const text = q.q?.trim();
  // Prisma hands `contains` to LIKE as is: its wildcards must be escaped to be searched as text.
  const contains = text
    ? { contains: text.replace(/[\\%_]/g, (c) => `\\${c}`), mode: "insensitive" as const }
    : undefined;
  return {
    AND: [
      contains
        ? { OR: [{ key: contains }, { name: contains }, { agent: { slug: contains } }, { agent: { name: contains } }] }
        : {},
      q.agent ? { agent: { slug: q.agent } } : {},
      q.tier ? { tier: q.tier } : {},
      q.status === "frozen" ? { frozen: true } : {},
      q.status === "eligible" ? { eligibleFrom: { lte: now } } : {},
      q.status === "requests" ? { requests: { some: { status: "open" as const } } } : {},
      q.status === "demoted" ? { tierChanges: { some: { cause: { in: DEMOTION_CAUSE_LIST } } } } : {},
    ],
  };
}

/**
 * One page of the overview, filtered and sorted in the database: only the page's action types are
 * read in full (windows, spark lines, requests), so a page costs the same with 2,000 action types
 * as with 20,000. The health sort and the "eligible" filter read the summary the state interpreter
 * stores with every change (lib/state/health-summary.ts); rows whose summary time has changed (the
 * window slid) are recomputed first.
 */
export async function listOverviewPage(
  db: Db,
  query: OverviewQuery,
  now: Date = new Date(),
  pageSize = OVERVIEW_PAGE_SIZE,
): Promise<OverviewPage> {
  if (query.sort === "health" || query.status === "eligible") await refreshStaleSummaries(db, now);
  const where = overviewWhere(query, now);
  const skip = (query.page - 1) * pageSize;
  const [total, base] = await Promise.all([
    db.actionType.count({ where }),
    findOverviewPage(db, query.sort, where, { skip, take: pageSize }),
  ]);
  const rows = await overviewRows(db, base, now);
  return { rows, total, page: query.page, pageSize, pages: Math.max(1, Math.ceil(total / pageSize)) };
}

/** Every agent × action type with health and eligibility, in a fixed number of queries. */
export async function listOverview(db: Db, now: Date = new Date()): Promise<OverviewRow[]> {
  return overviewRows(db, await findOverviewBase(db, "agent"), now);
}

/** The action types the overview shows, with what its rows need; in one of the overview's orders. */
function findOverviewBase(
  db: Db,
  order: keyof typeof ORDER_BY,
  where: ReturnType<typeof overviewWhere> | { AND: [] } = { AND: [] },
) {
  return db.actionType.findMany({ where, select: overviewSelect, orderBy: [...ORDER_BY[order]] });
}
type OverviewBase = Awaited<ReturnType<typeof findOverviewBase>>[number];

/**
 * One page of them: the page's ids first (sorting narrow rows, not the evidence each row carries), then
 * those rows in full, in that order.
 */
async function findOverviewPage(
  db: Db,
  order: keyof typeof ORDER_BY,
  where: ReturnType<typeof overviewWhere>,
  page: { skip: number; take: number },
): Promise<OverviewBase[]> {
  const ids = await db.actionType.findMany({ where, select: { id: true }, orderBy: [...ORDER_BY[order]], ...page });
  const rows = await db.actionType.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: overviewSelect });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((r) => byId.get(r.id) ?? []);
}

/**
 * The overview rows of the given action types (in their order), in a fixed number of set-based queries.
 * The window and the spark line are the evidence fold's own (lib/gating/evidence-fold.ts), stored on the
 * row: no rollup query, and the same evidence the gate reads.
 */
async function overviewRows(db: Db, rows: OverviewBase[], now: Date): Promise<OverviewRow[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const parsed = rows.map((r) => policyRulesSchema.parse(r.policies[0]?.rules));
  const sparkDays = Array.from({ length: SPARK_DAYS }, (_, i) =>
    dayOf(new Date(now.getTime() - (SPARK_DAYS - 1 - i) * DAY_MS)),
  );
  // "Open requests" are the ones waiting for review; approved-but-unapplied ones show in eligibility.
  const open = await db.reviewRequest.groupBy({
    by: ["actionTypeId"],
    where: { status: "open", actionTypeId: { in: ids } },
    _count: { _all: true },
  });
  const openById = new Map(open.map((o) => [o.actionTypeId, o._count._all]));
  const pending = await db.reviewRequest.findMany({
    where: { ...PENDING_PROMOTIONS, actionTypeId: { in: ids } },
    select: { actionTypeId: true, kind: true, status: true, fromTier: true, snapshot: true },
  });
  const pendingById = new Map<string, typeof pending>();
  for (const p of pending) pendingById.set(p.actionTypeId, [...(pendingById.get(p.actionTypeId) ?? []), p]);

  return rows.map((r, index) => {
    const rules = parsed[index]!;
    const tierRules = rules.tiers[r.tier];
    const state = toEvidenceState(r);
    const window = evidenceFrom(state, windowStart(now, tierRules.windowDays));
    const openPromotion = (pendingById.get(r.id) ?? []).some((p) =>
      blocksNewRequest({ ...p, snapshotStateVersion: snapshotStateVersionOf(p.snapshot) }, r),
    );
    const elig = evaluateEligibility(
      {
        tier: r.tier,
        tierSince: r.tierSince,
        frozen: r.frozen,
        openRequest: openPromotion,
        evidence: { successes: state.successes, trials: state.trials },
        window,
        restarts: state.restarts,
        look: state.look,
      },
      rules,
      now,
    );
    const words = tierRules.promotion
      ? plainGate({
          rules,
          tier: r.tier,
          evidence: { successes: state.successes, trials: state.trials },
          window,
          restarts: state.restarts,
          look: state.look,
          dailyVolume: recentDailyVolume(state, now.getTime()),
        })
      : null;
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
      gateSentence: words?.sentence ?? null,
      gateCleared: elig.gate?.cleared ?? false,
      openRequests: openById.get(r.id) ?? 0,
      lastDemotion: r.tierChanges[0]
        ? { at: r.tierChanges[0].createdAt.toISOString(), cause: r.tierChanges[0].cause }
        : null,
    };
  });
}

const tierSelect = {
  key: true,
  name: true,
  tier: true,
  frozen: true,
  tierSince: true,
  sliderSalt: true,
  rampStep: true,
  policies: { orderBy: { version: "desc" }, take: 1, select: { version: true, rules: true } },
} as const;

function toTierView(r: {
  key: string;
  name: string;
  tier: Tier;
  frozen: boolean;
  tierSince: Date;
  sliderSalt: string;
  rampStep: number;
  policies: Array<{ version: number; rules: unknown }>;
}): TierView {
  const view: TierView = {
    action: r.key,
    name: r.name,
    tier: r.tier,
    mode: modeOf(r.tier),
    frozen: r.frozen,
    tierSince: r.tierSince.toISOString(),
    policyVersion: r.policies[0]?.version ?? 0,
  };
  // The slider travels only when it splits (below 100 %), to the agent's own key: the salt is agent-scoped.
  const percent = effectivePercent(sliderOf(policySliderSchema.parse(r.policies[0]?.rules ?? {})), r.rampStep);
  if (percent < 100) view.slider = { percent, salt: r.sliderSalt };
  return view;
}

/** Every action type of one agent, as the agent API shows it. */
export async function listAgentTiers(db: Db, agentId: string): Promise<TierView[]> {
  const [rows, contract] = await Promise.all([
    db.actionType.findMany({ where: { agentId }, orderBy: { key: "asc" }, select: tierSelect }),
    agentContract(db, agentId),
  ]);
  return rows.map((r) => withContract(toTierView(r), contract));
}

/** WALK's contract travels on every view of the agent, to its own key only (the SDK decides from memory). */
function withContract(view: TierView, contract: ContractView | null): TierView {
  return contract ? { ...view, contract } : view;
}

/** One action type of one agent by key (looked up in the database, never through an object). */
export async function agentTier(db: Db, agentId: string, key: string): Promise<TierView | null> {
  const r = await db.actionType.findUnique({ where: { agentId_key: { agentId, key } }, select: tierSelect });
  return r ? withContract(toTierView(r), await agentContract(db, agentId)) : null;
}

/** Key and name of one action type, or null. */
export async function actionTypeName(db: Db, id: string): Promise<{ key: string; name: string } | null> {
  return db.actionType.findUnique({ where: { id }, select: { key: true, name: true } });
}
