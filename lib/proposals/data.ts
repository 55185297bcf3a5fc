// Reading proposals: an agent reads only its own; people with suggestion:decide read the queue.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { proposalStatusAt, type ProposalState } from "@cwr/gating/proposals";
import type { Audience, Tier } from "@cwr/gating/types";
import { sourcesInWords, toSourceCounts } from "@cwr/gating/evidence-source";
import type { ProposalView } from "./schema";

type Reader = Db | Tx;

export const PROPOSAL_SELECT = {
  id: true,
  agentId: true,
  actionTypeId: true,
  idempotencyKey: true,
  audience: true,
  subject: true,
  summary: true,
  parameters: true,
  digest: true,
  status: true,
  createdAt: true,
  expiresAt: true,
  decidedAt: true,
  decisionReason: true,
  grantedParameters: true,
  grantDigest: true,
  consumedAt: true,
  agent: { select: { slug: true } },
  actionType: { select: { key: true } },
  decidedBy: { select: { id: true, name: true } },
} as const;

export type ProposalRow = NonNullable<Awaited<ReturnType<typeof proposalRow>>>;

export function proposalRow(
  db: Reader,
  where: { id: string } | { agentId_idempotencyKey: { agentId: string; idempotencyKey: string } },
) {
  return db.proposal.findUnique({ where, select: PROPOSAL_SELECT });
}

/** What the pure rules need of a stored proposal. */
export function proposalState(row: ProposalRow): ProposalState {
  return {
    status: row.status,
    digest: row.digest,
    expiresAt: row.expiresAt.getTime(),
    grantDigest: row.grantDigest,
    consumedAt: row.consumedAt?.getTime() ?? null,
  };
}

type Json = Record<string, unknown>;

export function toProposalView(row: ProposalRow, now: Date): ProposalView {
  return {
    id: row.id,
    agent: row.agent.slug,
    action: row.actionType.key,
    audience: row.audience as Audience,
    subject: row.subject,
    summary: row.summary,
    parameters: row.parameters as Json,
    digest: row.digest,
    status: proposalStatusAt({ status: row.status, expiresAt: row.expiresAt.getTime() }, now.getTime()),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    decision:
      row.status === "pending" || !row.decidedAt
        ? null
        : {
            status: row.status,
            decidedAt: row.decidedAt.toISOString(),
            decidedBy: row.decidedBy,
            reason: row.decisionReason,
            parameters: (row.grantedParameters as Json | null) ?? null,
            digest: row.grantDigest,
          },
    consumedAt: row.consumedAt?.toISOString() ?? null,
  };
}

/** The agent's own proposal, or null (another agent's is as unknown as a missing one). */
export async function proposalOfAgent(
  db: Reader,
  agentId: string,
  id: string,
  now: Date = new Date(),
): Promise<ProposalView | null> {
  const row = await proposalRow(db, { id });
  return row && row.agentId === agentId ? toProposalView(row, now) : null;
}

/** How often a waiting reader looks again (a decision is a person's act: seconds, not milliseconds). */
const POLL_MS = 500;

/**
 * The agent's own proposal, waiting up to `waitMs` for it to leave "pending" (a long poll): it
 * answers as soon as a decision is read, at the deadline, or when the caller goes away.
 */
export async function awaitProposal(
  db: Reader,
  agentId: string,
  id: string,
  waitMs: number,
  signal?: AbortSignal,
): Promise<ProposalView | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const view = await proposalOfAgent(db, agentId, id);
    if (!view || view.status !== "pending" || Date.now() >= deadline || signal?.aborted) return view;
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
  }
}

/** At most this many waiting suggestions are read for the queue (the oldest first). */
const QUEUE_LIMIT = 500;

export interface QueueGroup {
  agent: string;
  agentName: string;
  action: string;
  actionTypeId: string;
  tier: Tier;
  /** the stay's evidence by source, in words */
  evidence: string;
  suggestions: Array<
    Pick<ProposalView, "id" | "summary" | "subject" | "audience" | "parameters" | "createdAt" | "expiresAt">
  >;
}

const waitingWhere = (now: Date) => ({ status: "pending" as const, expiresAt: { gt: now } });

/** How many suggestions wait for a person (the navigation's count). */
export function countWaitingSuggestions(db: Reader, now: Date = new Date()): Promise<number> {
  return db.proposal.count({ where: waitingWhere(now) });
}

/** The queue: waiting suggestions per agent and action type, groups and suggestions oldest first. */
export async function waitingSuggestions(db: Reader, now: Date = new Date()): Promise<QueueGroup[]> {
  const rows = await db.proposal.findMany({
    where: waitingWhere(now),
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: QUEUE_LIMIT,
    select: {
      id: true,
      summary: true,
      subject: true,
      audience: true,
      parameters: true,
      createdAt: true,
      expiresAt: true,
      agent: { select: { slug: true, name: true } },
      actionType: { select: { id: true, key: true, tier: true, evidenceSources: true } },
    },
  });
  const keyIds = new Set<string>();
  for (const r of rows)
    for (const id of Object.keys(toSourceCounts(r.actionType.evidenceSources).reporters)) keyIds.add(id);
  const keys = keyIds.size
    ? await db.apiKey.findMany({ where: { id: { in: [...keyIds] } }, select: { id: true, name: true } })
    : [];
  const names = Object.fromEntries(keys.map((k) => [k.id, k.name]));
  const groups = new Map<string, QueueGroup>();
  for (const r of rows) {
    let group = groups.get(r.actionType.id);
    if (!group) {
      group = {
        agent: r.agent.slug,
        agentName: r.agent.name,
        action: r.actionType.key,
        actionTypeId: r.actionType.id,
        tier: r.actionType.tier,
        evidence: sourcesInWords(toSourceCounts(r.actionType.evidenceSources), names),
        suggestions: [],
      };
      groups.set(r.actionType.id, group);
    }
    group.suggestions.push({
      id: r.id,
      summary: r.summary,
      subject: r.subject,
      audience: r.audience as Audience,
      parameters: r.parameters as Json,
      createdAt: r.createdAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
    });
  }
  return [...groups.values()];
}
