// Reads of WALK's contract: the agent routes' tier views carry it; Admin → Agents lists it.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";

export interface ContractView {
  entries: string[];
}

/** The agent's internal subjects, or null when the agent has no contract (internal is self-declared). */
export async function agentContract(db: Db | Tx, agentId: string): Promise<ContractView | null> {
  const agent = await db.agent.findUnique({
    where: { id: agentId },
    select: { contractSince: true, contractEntries: { select: { entry: true }, orderBy: { entry: "asc" } } },
  });
  if (!agent?.contractSince) return null;
  return { entries: agent.contractEntries.map((e) => e.entry) };
}

/** Open requests to add internal subjects, oldest first (Admin → Agents). */
export async function openContractRequests(db: Db, agentId: string) {
  return db.contractRequest.findMany({
    where: { agentId, status: "open" },
    orderBy: { createdAt: "asc" },
    select: { id: true, entry: true, reason: true, requestedById: true, requestedByLabel: true, createdAt: true },
  });
}

/** Every open addition, oldest first, with its agent: what reviewers decide on the requests page. */
export async function allOpenContractRequests(db: Db) {
  const rows = await db.contractRequest.findMany({
    where: { status: "open" },
    orderBy: { createdAt: "asc" },
    take: 100,
    select: {
      id: true,
      entry: true,
      reason: true,
      requestedById: true,
      requestedByLabel: true,
      agent: { select: { slug: true } },
    },
  });
  return rows.map(({ agent, ...r }) => ({ ...r, agentSlug: agent.slug }));
}
