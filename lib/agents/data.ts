import type { Db } from "@/lib/db";

export async function agentBySlug(db: Db, slug: string) {
  return db.agent.findUnique({
    where: { slug },
    select: { id: true, slug: true, name: true, owner: true, description: true },
  });
}

export async function listAgents(db: Db) {
  const rows = await db.agent.findMany({
    orderBy: { slug: "asc" },
    select: {
      id: true,
      slug: true,
      name: true,
      owner: true,
      description: true,
      createdAt: true,
      _count: { select: { actionTypes: true, apiKeys: { where: { revokedAt: null } } } },
    },
  });
  return rows.map((a) => ({
    id: a.id,
    slug: a.slug,
    name: a.name,
    owner: a.owner,
    description: a.description,
    createdAt: a.createdAt.toISOString(),
    actionTypes: a._count.actionTypes,
    activeKeys: a._count.apiKeys,
  }));
}
