// Reads of action types. Explicit selects, plain DTOs, no session.
import type { Db } from "@/lib/db";

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
