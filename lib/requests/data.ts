// Reads of review requests. Blindness is enforced here, on the server: reviews of an open request
// are only returned to a reader who may see them (lib/gating visibleReviews).
import type { Db } from "@/lib/db";
import {
  awaitsReviewBy,
  canSeeReviews,
  currentTally,
  requestStateOf,
  visibleReviews,
  classifyPolicyChange,
  poolFor,
  describePool,
  inPool,
  type Tally,
} from "@cwr/gating";
import type {
  BlastRadius,
  PolicyRules,
  RequestKind,
  RequestStatus,
  ReviewDecision,
  Role,
  Tier,
} from "@cwr/gating/types";
import { policyRulesSchema } from "@/lib/policies/schema";
import type { Snapshot } from "@/lib/metrics/snapshot";

export interface RequestSummary {
  id: string;
  kind: RequestKind;
  status: RequestStatus;
  statusReason: string;
  actionTypeId: string;
  actionKey: string;
  agentSlug: string;
  /** human names, shown first; the slug and key are secondary */
  actionName: string;
  agentName: string;
  fromTier: Tier | null;
  toTier: Tier | null;
  requester: string;
  requesterId: string;
  createdAt: string;
  expiresAt: string;
  reviewersRequired: number;
  /** null while the reader may not see this open request's reviews: counts are reviews too (rule 3) */
  approvals: number | null;
  reviewCount: number | null;
  /** the requester's note (justification): why now, what to look at */
  note: string;
}

const summarySelect = {
  id: true,
  kind: true,
  status: true,
  statusReason: true,
  actionTypeId: true,
  fromTier: true,
  toTier: true,
  createdAt: true,
  expiresAt: true,
  reviewersRequired: true,
  snapshotHash: true,
  requesterId: true,
  justification: true,
  requester: { select: { name: true } },
  actionType: { select: { key: true, name: true, agent: { select: { slug: true, name: true } } } },
  reviews: { select: { decision: true, snapshotHash: true, reviewerId: true } },
} as const;

type SummaryRow = Awaited<ReturnType<typeof selectSummaries>>[number];
function selectSummaries(db: Db, where: { status?: RequestStatus; actionTypeId?: string }, take: number) {
  return db.reviewRequest.findMany({ where, orderBy: { createdAt: "desc" }, take, select: summarySelect });
}

export async function listRequests(
  db: Db,
  reader: Reader,
  filter: { status?: RequestStatus; actionTypeId?: string; take?: number } = {},
): Promise<RequestSummary[]> {
  const rows = await selectSummaries(
    db,
    {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.actionTypeId ? { actionTypeId: filter.actionTypeId } : {}),
    },
    filter.take ?? 200,
  );
  return rows.map((r) => toSummary(r, reader));
}

/** Open requests a review by this person would count on (lib/gating awaitsReviewBy), oldest first: the inbox. */
export async function listAwaitingReview(
  db: Db,
  reader: { id: string; role: Role },
  filter: { actionTypeId?: string } = {},
): Promise<RequestSummary[]> {
  const open = await selectSummaries(
    db,
    { status: "open", ...(filter.actionTypeId ? { actionTypeId: filter.actionTypeId } : {}) },
    500,
  );
  const candidates = open.filter((r) => awaitsReviewBy(reader, r, r.reviews));
  // The pool of the policy in force now (narrowing applies at once): someone outside it is not awaited.
  const policies = await currentRules(db, [...new Set(candidates.map((r) => r.actionTypeId))]);
  return candidates
    .filter((r) => awaitsReviewBy(reader, r, r.reviews, poolOf(policies.get(r.actionTypeId), r)))
    .reverse()
    .map((r) => toSummary(r, reader));
}

/** The rules of each action type's current policy version. */
async function currentRules(db: Db, actionTypeIds: string[]): Promise<Map<string, PolicyRules>> {
  if (actionTypeIds.length === 0) return new Map();
  const rows = await db.policy.findMany({
    where: { actionTypeId: { in: actionTypeIds } },
    orderBy: { version: "desc" },
    distinct: ["actionTypeId"],
    select: { actionTypeId: true, rules: true },
  });
  return new Map(rows.map((p) => [p.actionTypeId, policyRulesSchema.parse(p.rules)]));
}

const poolOf = (rules: PolicyRules | undefined, r: { kind: RequestKind; fromTier: Tier | null }) =>
  rules ? poolFor(rules, r) : undefined;

/** Requests per status (for the tabs), optionally of one action type. */
export async function countRequestsByStatus(
  db: Db,
  filter: { actionTypeId?: string } = {},
): Promise<Record<RequestStatus, number>> {
  const groups = await db.reviewRequest.groupBy({
    by: ["status"],
    where: filter.actionTypeId ? { actionTypeId: filter.actionTypeId } : {},
    _count: { _all: true },
  });
  const counts = { open: 0, approved: 0, rejected: 0, withdrawn: 0, expired: 0, applied: 0 } satisfies Record<
    RequestStatus,
    number
  >;
  for (const g of groups) counts[g.status] = g._count._all;
  return counts;
}

type Reader = { id: string; role: Role };
/** A reader who has reviewed nothing: sees review counts of closed requests only. */
export const NOBODY: Reader = { id: "", role: "viewer" };

/** May this reader see the reviews of this request, their number included (lib/gating canSeeReviews)? */
const seesReviews = (r: Pick<SummaryRow, "requesterId" | "status" | "reviews">, reader: Reader) =>
  canSeeReviews(reader.id, reader.role, r, r.reviews);

function toSummary(r: SummaryRow, reader: Reader): RequestSummary {
  const sees = seesReviews(r, reader);
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    statusReason: r.statusReason,
    actionTypeId: r.actionTypeId,
    actionKey: r.actionType.key,
    agentSlug: r.actionType.agent.slug,
    actionName: r.actionType.name,
    agentName: r.actionType.agent.name,
    fromTier: r.fromTier,
    toTier: r.toTier,
    requester: r.requester.name,
    requesterId: r.requesterId,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    reviewersRequired: r.reviewersRequired,
    // One rejection closes a request, so on an open one any count is the tally: sealed like the reviews.
    approvals: sees
      ? r.reviews.filter((v) => v.decision === "approve" && v.snapshotHash === r.snapshotHash).length
      : null,
    reviewCount: sees ? r.reviews.length : null,
    note: r.justification,
  };
}

export interface ReviewView {
  reviewer: string;
  reviewerId: string;
  decision: ReviewDecision;
  rationale: string;
  createdAt: string;
  stale: boolean;
}

export interface RequestDetail extends RequestSummary {
  justification: string;
  snapshot: Snapshot;
  snapshotHash: string;
  policyVersion: number;
  proposedRules: PolicyRules | null;
  policyChanges: Array<{ path: string; from: unknown; to: unknown; direction: string }>;
  /** null while the reviews are hidden from this reader (blind review covers counts) */
  tally: Tally | null;
  /** the reader's own reviews (always visible to them) */
  mine: ReviewView[];
  /** everyone's reviews, or null while they are hidden from this reader (blind review) */
  reviews: ReviewView[] | null;
  decidedAt: string | null;
  appliedAt: string | null;
  /** the action's risk, shown at the top of the request */
  risk: { blastRadius: BlastRadius; reversible: boolean };
  /**
   * Who may approve (the current policy's reviewer pool for the tier left), in words, and whether this
   * reader is in it; null when every reviewer may.
   */
  pool: { described: string; readerInPool: boolean } | null;
}

export async function requestDetail(
  db: Db,
  id: string,
  reader: { id: string; role: Role },
): Promise<RequestDetail | null> {
  const r = await db.reviewRequest.findUnique({
    where: { id },
    select: {
      ...summarySelect,
      justification: true,
      snapshot: true,
      proposedRules: true,
      decidedAt: true,
      appliedAt: true,
      policy: { select: { version: true, rules: true } },
      actionType: {
        select: {
          key: true,
          name: true,
          blastRadius: true,
          reversible: true,
          agent: { select: { slug: true, name: true } },
          policies: { orderBy: { version: "desc" }, take: 1, select: { rules: true } },
        },
      },
      reviews: {
        orderBy: { createdAt: "asc" },
        select: {
          decision: true,
          snapshotHash: true,
          rationale: true,
          createdAt: true,
          reviewerId: true,
          reviewer: { select: { name: true } },
        },
      },
    },
  });
  if (!r) return null;
  const records = r.reviews.map((v) => ({
    reviewerId: v.reviewerId,
    decision: v.decision,
    snapshotHash: v.snapshotHash,
  }));
  const tally = currentTally(
    requestStateOf({
      ...r,
      pinnedVersion: r.policy.version,
      reviews: r.reviews.map((v) => ({ ...v, at: v.createdAt })),
    }),
  );
  const view = (v: (typeof r.reviews)[number]): ReviewView => ({
    reviewer: v.reviewer.name,
    reviewerId: v.reviewerId,
    decision: v.decision,
    rationale: v.rationale,
    createdAt: v.createdAt.toISOString(),
    stale: v.snapshotHash !== r.snapshotHash,
  });
  const requestForRules = { requesterId: r.requesterId, status: r.status };
  const sees = canSeeReviews(reader.id, reader.role, requestForRules, records);
  const visible = sees ? visibleReviews(reader.id, reader.role, requestForRules, r.reviews) : null;
  const proposed = r.proposedRules ? policyRulesSchema.parse(r.proposedRules) : null;
  const pinned = policyRulesSchema.parse(r.policy.rules);
  return {
    ...toSummary(r, reader),
    approvals: sees ? tally.approvals : null,
    justification: r.justification,
    snapshot: r.snapshot as unknown as Snapshot,
    snapshotHash: r.snapshotHash,
    policyVersion: r.policy.version,
    proposedRules: proposed,
    policyChanges: proposed ? classifyPolicyChange(pinned, proposed).changes : [],
    tally: sees ? tally : null,
    mine: r.reviews.filter((v) => v.reviewerId === reader.id).map(view),
    reviews: visible ? visible.map(view) : null,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    appliedAt: r.appliedAt?.toISOString() ?? null,
    risk: { blastRadius: r.actionType.blastRadius, reversible: r.actionType.reversible },
    pool: await poolInWords(db, r.actionType.policies[0]?.rules, r, reader),
  };
}

/** The current policy's pool for this request, with people's names (issue 25 item 4). */
async function poolInWords(
  db: Db,
  raw: unknown,
  r: { kind: RequestKind; fromTier: Tier | null },
  reader: Reader,
): Promise<RequestDetail["pool"]> {
  const pool = raw === undefined ? undefined : poolFor(policyRulesSchema.parse(raw), r);
  if (!pool) return null;
  const users = pool.users?.length
    ? await db.user.findMany({ where: { id: { in: pool.users } }, select: { id: true, name: true } })
    : [];
  const names = new Map(users.map((u) => [u.id, u.name]));
  return {
    described: describePool(pool, (id) => names.get(id) ?? "a removed user"),
    readerInPool: inPool(pool, reader),
  };
}

/** Just enough to name a request (page titles); no evidence, no reviews. */
export async function requestTitle(db: Db, id: string) {
  const r = await db.reviewRequest.findUnique({
    where: { id },
    select: { kind: true, fromTier: true, toTier: true, actionType: { select: { key: true } } },
  });
  return r ? { kind: r.kind, fromTier: r.fromTier, toTier: r.toTier, actionKey: r.actionType.key } : null;
}
