// Changes to WALK's contract. Adding an internal subject is a loosening: an admin asks, and it is
// reviewed blind by a quorum like every other loosening (lib/gating/contract-request.ts decides; the
// approval that meets the quorum applies it in its transaction). Removing applies at once. Every
// change is audited (and so notified) in its own transaction, and NOTIFYs the agent's tier caches
// and streams so the agent routes and the SDK answer under the new contract within the notice.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { CONTRACT_CHANGE_CAUSE, TIER_CHANNEL } from "@/lib/db/channels";
import { TX_OPTIONS } from "@/lib/db/locks";
import { appendAudit, appendAuditEntries, SYSTEM_ACTOR, type Actor, type AuditInput } from "@/lib/audit/mutations";
import { sha256Hex } from "@/lib/audit/hash";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { AppError, domainError, forbidden, notFound } from "@/lib/errors";
import { canonicalJson } from "@cwr/gating/canonical";
import { can } from "@cwr/gating/permissions";
import {
  classifyContractChange,
  closeContractRequest,
  openContractRequest,
  reviewContractRequest,
  type ContractRequestState,
} from "@cwr/gating/contract-request";
import { policyRulesSchema } from "@/lib/state/policy-rules-schema";
import type { PolicyRules, RequestStatus } from "@cwr/gating/types";
import { contractAdditionSchema, contractDecisionSchema, contractRemovalSchema } from "./schema";

function requireAdmin(actor: UserPrincipal) {
  if (!can(actor.role, "admin:manage")) throw forbidden("Only admins manage an agent's internal subjects.");
}

async function lockAgent(tx: Tx, agentId: string) {
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT id::text AS id FROM agents WHERE id = $1::uuid FOR UPDATE`,
    agentId,
  );
  if (rows.length === 0) throw new AppError("not_found", "Agent not found.");
}

/** One tier-channel notice per action type of the agent: caches drop its entry, streams resend its views. */
async function notifyContractChange(tx: Tx, agentId: string, now: Date) {
  const types = await tx.actionType.findMany({
    where: { agentId },
    select: { id: true, key: true, tier: true, frozen: true, tierSince: true },
  });
  for (const t of types)
    await tx.$queryRawUnsafe(
      `SELECT pg_notify($1, $2)::text`,
      TIER_CHANNEL,
      JSON.stringify({
        id: randomUUID(),
        actionTypeId: t.id,
        agentId,
        key: t.key,
        tier: t.tier,
        frozen: t.frozen,
        tierSince: t.tierSince.toISOString(),
        cause: CONTRACT_CHANGE_CAUSE,
        at: now.toISOString(),
      }),
    );
}

type RequestRow = Awaited<ReturnType<typeof lockedRequest>>;

/** The request row and its reviews, the agent locked first (the lock order of every contract change). */
async function lockedRequest(tx: Tx, requestId: string) {
  const found = await tx.contractRequest.findUnique({ where: { id: requestId }, select: { agentId: true } });
  if (!found) throw notFound("Contract request");
  await lockAgent(tx, found.agentId);
  return tx.contractRequest.findUniqueOrThrow({
    where: { id: requestId },
    include: { reviews: { orderBy: { createdAt: "asc" } } },
  });
}

function stateOf(r: RequestRow): ContractRequestState {
  return {
    id: r.id,
    status: r.status,
    requesterId: r.requestedById,
    snapshotHash: r.snapshotHash,
    requiredApprovals: r.reviewersRequired,
    expiresAt: r.expiresAt.getTime(),
    reviews: r.reviews.map((v) => ({
      reviewerId: v.reviewerId,
      decision: v.decision,
      snapshotHash: v.snapshotHash,
      rationale: v.rationale,
      at: v.createdAt.getTime(),
    })),
  };
}

/** What reviewers judge, hashed: the agent, the entry and the requester's reason. */
export function contractSnapshotHash(agentId: string, entry: string, reason: string): string {
  return sha256Hex(canonicalJson({ agent: agentId, entry, reason }));
}

/** An admin asks to add an internal subject (a loosening); nothing changes until its quorum approves. */
export async function requestContractAddition(
  db: Db,
  actor: UserPrincipal,
  input: z.input<typeof contractAdditionSchema>,
  now = new Date(),
): Promise<{ requestId: string; snapshotHash: string; reviewersRequired: number; expiresAt: string }> {
  requireAdmin(actor);
  const data = contractAdditionSchema.parse(input);
  const reason = data.reason.trim();
  return db.$transaction(async (tx) => {
    await lockAgent(tx, data.agentId);
    const [entries, asked, policies] = await Promise.all([
      tx.agentContractEntry.findMany({ where: { agentId: data.agentId }, select: { entry: true } }),
      tx.contractRequest.count({ where: { agentId: data.agentId, entry: data.entry, status: "open" } }),
      currentPolicies(tx, data.agentId),
    ]);
    const opened = openContractRequest({
      id: randomUUID(),
      requester: { id: actor.id, role: actor.role },
      entries: entries.map((e) => e.entry),
      entry: data.entry,
      alreadyAsked: asked > 0,
      policies,
      snapshotHash: contractSnapshotHash(data.agentId, data.entry, reason),
      now,
    });
    if ("error" in opened) throw domainError(opened.error);
    const s = opened.state;
    await tx.contractRequest.create({
      data: {
        id: s.id,
        agentId: data.agentId,
        entry: data.entry,
        reason,
        requestedById: actor.id,
        requestedByLabel: actor.email,
        snapshotHash: s.snapshotHash,
        reviewersRequired: s.requiredApprovals,
        expiresAt: new Date(s.expiresAt),
        createdAt: now,
      },
    });
    await appendAudit(
      tx,
      {
        actor: userActor(actor),
        kind: "agent.contract_addition_requested",
        entityType: "agent",
        entityId: data.agentId,
        agentId: data.agentId,
        data: { requestId: s.id, entry: data.entry, reason, reviewersRequired: s.requiredApprovals },
      },
      now,
    );
    return {
      requestId: s.id,
      snapshotHash: s.snapshotHash,
      reviewersRequired: s.requiredApprovals,
      expiresAt: new Date(s.expiresAt).toISOString(),
    };
  }, TX_OPTIONS);
}

/** The rules of every action type of the agent, at their current versions. */
async function currentPolicies(tx: Tx, agentId: string): Promise<PolicyRules[]> {
  const rows = await tx.$queryRawUnsafe<Array<{ rules: unknown }>>(
    `SELECT DISTINCT ON (p."actionTypeId") p.rules FROM policies p JOIN action_types a ON a.id = p."actionTypeId"
     WHERE a."agentId" = $1::uuid ORDER BY p."actionTypeId", p.version DESC`,
    agentId,
  );
  return rows.map((r) => policyRulesSchema.parse(r.rules));
}

/**
 * A reviewer's approval or rejection, blind and counted like every review (lib/gating/contract-request.ts):
 * the approval that meets the quorum adds the entry in the same transaction; a rejection closes it.
 */
export async function decideContractAddition(
  db: Db,
  reviewer: UserPrincipal,
  input: z.input<typeof contractDecisionSchema>,
  now = new Date(),
): Promise<{ status: RequestStatus; approvals: number; required: number }> {
  const data = contractDecisionSchema.parse(input);
  return db.$transaction(async (tx) => {
    const request = await lockedRequest(tx, data.requestId);
    const decided = reviewContractRequest(stateOf(request), {
      reviewer: { id: reviewer.id, role: reviewer.role },
      decision: data.decision,
      rationale: data.rationale,
      at: now,
      ...(data.snapshotHash ? { snapshotHash: data.snapshotHash } : {}),
      entries: await tx.agentContractEntry.count({ where: { agentId: request.agentId } }),
    });
    if ("error" in decided) throw domainError(decided.error);
    const { next, review } = decided;
    await tx.contractReview.create({
      data: {
        requestId: request.id,
        reviewerId: reviewer.id,
        decision: review.decision,
        rationale: review.rationale,
        snapshotHash: review.snapshotHash,
        createdAt: now,
      },
    });
    const audits: AuditInput[] = [
      {
        actor: userActor(reviewer),
        // Sealed from every reader while the request is open (lib/audit/data.ts SEALED_WHILE_OPEN).
        kind: "request.review_submitted",
        entityType: "contract_request",
        entityId: request.id,
        agentId: request.agentId,
        data: { decision: review.decision, rationale: review.rationale, snapshotHash: review.snapshotHash },
      },
    ];
    if (next.status !== "open") {
      await tx.contractRequest.update({ where: { id: request.id }, data: { status: next.status, decidedAt: now } });
      const approvedBy = next.reviews.filter((v) => v.decision === "approve").map((v) => v.reviewerId);
      audits.push({
        actor: userActor(reviewer),
        kind: decided.apply ? "agent.contract_entry_added" : "agent.contract_addition_rejected",
        entityType: "agent",
        entityId: request.agentId,
        agentId: request.agentId,
        data: {
          requestId: request.id,
          entry: request.entry,
          rationale: review.rationale,
          requestedBy: request.requestedByLabel,
          ...(decided.apply ? { approvedBy } : {}),
        },
      });
    }
    if (decided.apply) {
      await tx.agentContractEntry.createMany({
        data: [{ agentId: request.agentId, entry: request.entry, requestId: request.id, createdAt: now }],
        skipDuplicates: true,
      });
      // The first applied entry creates the contract; it stays even when emptied (nothing is then internal).
      await tx.agent.updateMany({ where: { id: request.agentId, contractSince: null }, data: { contractSince: now } });
      await notifyContractChange(tx, request.agentId, now);
    }
    await appendAuditEntries(tx, audits, now);
    return { status: next.status, approvals: decided.tally.approvals, required: decided.tally.required };
  }, TX_OPTIONS);
}

/** Its requester withdraws an open addition. */
export async function withdrawContractAddition(
  db: Db,
  actor: UserPrincipal,
  input: { requestId: string },
  now = new Date(),
): Promise<{ status: RequestStatus }> {
  return db.$transaction(
    (tx) => closeRequest(tx, input.requestId, { type: "withdraw", actorId: actor.id }, userActor(actor), now),
    TX_OPTIONS,
  );
}

/** Job: open additions past their review period expire. */
export async function expireContractRequests(db: Db, now = new Date()): Promise<number> {
  const due = await db.contractRequest.findMany({
    where: { status: "open", expiresAt: { lte: now } },
    select: { id: true },
  });
  let expired = 0;
  for (const r of due) {
    try {
      await db.$transaction((tx) => closeRequest(tx, r.id, { type: "expire", now }, SYSTEM_ACTOR, now), TX_OPTIONS);
      expired++;
    } catch (e) {
      // Decided or withdrawn meanwhile: nothing to expire.
      if (!(e instanceof AppError)) throw e;
    }
  }
  return expired;
}

async function closeRequest(
  tx: Tx,
  requestId: string,
  event: Parameters<typeof closeContractRequest>[1],
  actor: Actor,
  now: Date,
): Promise<{ status: RequestStatus }> {
  const request = await lockedRequest(tx, requestId);
  const closed = closeContractRequest(stateOf(request), event);
  if ("error" in closed) throw domainError(closed.error);
  await tx.contractRequest.update({ where: { id: request.id }, data: { status: closed.next.status, decidedAt: now } });
  await appendAudit(
    tx,
    {
      actor,
      kind: "agent.contract_addition_closed",
      entityType: "agent",
      entityId: request.agentId,
      agentId: request.agentId,
      data: { requestId: request.id, entry: request.entry, status: closed.next.status },
    },
    now,
  );
  return { status: closed.next.status };
}

/** Removing an internal subject tightens the contract: it applies at once, audited. */
export async function removeContractEntry(
  db: Db,
  actor: UserPrincipal,
  input: z.input<typeof contractRemovalSchema>,
  now = new Date(),
): Promise<void> {
  requireAdmin(actor);
  const data = contractRemovalSchema.parse(input);
  await db.$transaction(async (tx) => {
    await lockAgent(tx, data.agentId);
    const entries = await tx.agentContractEntry.findMany({ where: { agentId: data.agentId }, select: { entry: true } });
    // A removal tightens (applies at once, no review); removing what is not there changes nothing.
    if (
      classifyContractChange(
        entries.map((e) => e.entry),
        { type: "remove", entry: data.entry },
      ) !== "tighten"
    )
      throw new AppError("not_found", `"${data.entry}" is not an internal subject of this agent.`);
    await tx.agentContractEntry.deleteMany({ where: { agentId: data.agentId, entry: data.entry } });
    await notifyContractChange(tx, data.agentId, now);
    await appendAudit(
      tx,
      {
        actor: userActor(actor),
        kind: "agent.contract_entry_removed",
        entityType: "agent",
        entityId: data.agentId,
        agentId: data.agentId,
        data: { entry: data.entry },
      },
      now,
    );
  });
}
