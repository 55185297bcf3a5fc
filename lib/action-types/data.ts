// Reads of action types. Explicit selects, plain DTOs, no session.
import type { Db } from "@/lib/db";
import { modeOf } from "@/lib/gating";
import type { TierView } from "./schema";

export interface OverviewRow {
  id: string;
  agentSlug: string;
  agentName: string;
  key: string;
  name: string;
  blastRadius: string;
  reversible: boolean;
  tier: "CRAWL" | "WALK" | "RUN";
  tierSince: string;
  frozen: boolean;
  openRequests: number;
  lastDemotionAt: string | null;
}

export async function listOverview(db: Db): Promise<OverviewRow[]> {
  const rows = await db.actionType.findMany({
    select: {
      id: true,
      key: true,
      name: true,
      blastRadius: true,
      reversible: true,
      tier: true,
      tierSince: true,
      frozen: true,
      agent: { select: { slug: true, name: true } },
      _count: { select: { requests: { where: { status: { in: ["open", "approved"] } } } } },
      tierChanges: {
        where: { cause: { in: ["automatic_demotion", "manual_demotion"] } },
        orderBy: { createdAt: "desc" },
        take: 1,
        select: { createdAt: true },
      },
    },
    orderBy: [{ agent: { slug: "asc" } }, { key: "asc" }],
  });
  return rows.map((r) => ({
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
    openRequests: r._count.requests,
    lastDemotionAt: r.tierChanges[0]?.createdAt.toISOString() ?? null,
  }));
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
