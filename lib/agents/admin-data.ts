// Reads for the admin page: one agent with its action types. Explicit selects, plain DTOs.
import type { Db } from "@/lib/db";
import type { BlastRadius, Tier } from "@cwr/gating/types";

export interface AdminActionTypeRow {
  id: string;
  key: string;
  name: string;
  description: string;
  blastRadius: BlastRadius;
  reversible: boolean;
  tier: Tier;
  tierSince: string;
  frozen: boolean;
  policyVersion: number | null;
  createdAt: string;
}

export interface AdminAgentDetail {
  id: string;
  slug: string;
  name: string;
  owner: string;
  description: string;
  createdAt: string;
  actionTypes: AdminActionTypeRow[];
}

/** The agent with this slug and its action types (by key), or null. */
export async function agentWithActionTypes(db: Db, slug: string): Promise<AdminAgentDetail | null> {
  const agent = await db.agent.findUnique({
    where: { slug },
    select: {
      id: true,
      slug: true,
      name: true,
      owner: true,
      description: true,
      createdAt: true,
      actionTypes: {
        orderBy: { key: "asc" },
        select: {
          id: true,
          key: true,
          name: true,
          description: true,
          blastRadius: true,
          reversible: true,
          tier: true,
          tierSince: true,
          frozen: true,
          createdAt: true,
          policies: { orderBy: { version: "desc" }, take: 1, select: { version: true } },
        },
      },
    },
  });
  if (!agent) return null;
  return {
    id: agent.id,
    slug: agent.slug,
    name: agent.name,
    owner: agent.owner,
    description: agent.description,
    createdAt: agent.createdAt.toISOString(),
    actionTypes: agent.actionTypes.map((a) => ({
      id: a.id,
      key: a.key,
      name: a.name,
      description: a.description,
      blastRadius: a.blastRadius,
      reversible: a.reversible,
      tier: a.tier,
      tierSince: a.tierSince.toISOString(),
      frozen: a.frozen,
      policyVersion: a.policies[0]?.version ?? null,
      createdAt: a.createdAt.toISOString(),
    })),
  };
}
