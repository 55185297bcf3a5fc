// Reads of WALK's contract: the agent routes' tier views carry it; Admin → Agents lists it. Requests to
// add to it are read blind (SPEC §3 rule 3): an open request's reviews, and their count, reach only a
// reviewer who has reviewed it.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client.ts";
import { awaitsReviewBy, canSeeReviews, tally, visibleReviews } from "@cwr/gating/reviews";
import type { RequestStatus, ReviewDecision, Role } from "@cwr/gating/types";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

type Reader = { id: string; role: Role };

const requestSelect = {
  id: true,
  agentId: true,
  entry: true,
  reason: true,
  requestedById: true,
  requestedByLabel: true,
  status: true,
  statusReason: true,
  snapshotHash: true,
  reviewersRequired: true,
  createdAt: true,
  expiresAt: true,
  decidedAt: true,
  agent: { select: { slug: true, name: true } },
  reviews: {
    orderBy: { createdAt: "asc" },
    select: {
      reviewerId: true,
      decision: true,
      rationale: true,
      snapshotHash: true,
      createdAt: true,
      reviewer: { select: { name: true } },
    },
  },
} as const satisfies Prisma.ContractRequestSelect;

type Row = Prisma.ContractRequestGetPayload<{ select: typeof requestSelect }>;

export interface ContractRequestView {
  id: string;
  agentId: string;
  agentSlug: string;
  agentName: string;
  entry: string;
  reason: string;
  requestedById: string;
  requestedByLabel: string;
  status: RequestStatus;
  statusReason: string;
  snapshotHash: string;
  reviewersRequired: number;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  /** the reviews this reader may see (lib/gating visibleReviews): blind while open */
  reviews: Array<{ reviewerId: string; reviewer: string; decision: ReviewDecision; rationale: string; at: string }>;
  /** null while the reader may not see this open request's reviews: a count is a review too (rule 3) */
  approvals: number | null;
  /** a review by this reader would count now */
  awaitsYou: boolean;
}

function toView(r: Row, reader: Reader): ContractRequestView {
  const request = { requesterId: r.requestedById, status: r.status, snapshotHash: r.snapshotHash };
  const sees = canSeeReviews(reader.id, reader.role, request, r.reviews);
  return {
    id: r.id,
    agentId: r.agentId,
    agentSlug: r.agent.slug,
    agentName: r.agent.name,
    entry: r.entry,
    reason: r.reason,
    requestedById: r.requestedById,
    requestedByLabel: r.requestedByLabel,
    status: r.status,
    statusReason: r.statusReason,
    snapshotHash: r.snapshotHash,
    reviewersRequired: r.reviewersRequired,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    reviews: visibleReviews(reader.id, reader.role, request, r.reviews).map((v) => ({
      reviewerId: v.reviewerId,
      reviewer: v.reviewer.name,
      decision: v.decision,
      rationale: v.rationale,
      at: v.createdAt.toISOString(),
    })),
    approvals: sees ? tally(r.reviews, r.snapshotHash, r.reviewersRequired).approvals : null,
    awaitsYou: awaitsReviewBy(reader, request, r.reviews),
  };
}

/** One request to add an internal subject, as this reader may see it (null when there is none). */
export async function contractRequestForReader(
  db: Db,
  reader: Reader,
  requestId: string,
): Promise<ContractRequestView | null> {
  if (!UUID.test(requestId)) return null;
  const row = await db.contractRequest.findUnique({ where: { id: requestId }, select: requestSelect });
  return row ? toView(row, reader) : null;
}

/** Open requests to add internal subjects, oldest first: of one agent (Admin → Agents) or all (requests page). */
export async function openContractRequests(
  db: Db,
  reader: Reader,
  filter: { agentId?: string } = {},
): Promise<ContractRequestView[]> {
  const rows = await db.contractRequest.findMany({
    where: { status: "open", ...(filter.agentId ? { agentId: filter.agentId } : {}) },
    orderBy: { createdAt: "asc" },
    take: 100,
    select: requestSelect,
  });
  return rows.map((r) => toView(r, reader));
}

/** Open additions a review by this person would count on: part of the navigation's "awaiting your review". */
export async function countContractRequestsAwaiting(db: Db, reader: Reader): Promise<number> {
  return (await openContractRequests(db, reader)).filter((r) => r.awaitsYou).length;
}
