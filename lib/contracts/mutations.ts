// Changes to WALK's contract. Adding an internal subject is a loosening: an admin asks, a second
// reviewer or admin decides (lib/gating/contract.ts says who may). Removing applies at once. Every
// change is audited (and so notified) in its own transaction, and NOTIFYs the agent's tier caches
// and streams so the agent routes and the SDK answer under the new contract within the notice.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { CONTRACT_CHANGE_CAUSE, TIER_CHANNEL } from "@/lib/db/channels";
import { appendAudit } from "@/lib/audit/mutations";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { AppError, conflict, domainError, forbidden } from "@/lib/errors";
import { can } from "@cwr/gating/permissions";
import { checkContractAdditionDecision, MAX_CONTRACT_ENTRIES } from "@cwr/gating/contract";
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

/** An admin asks to add an internal subject; nothing changes until another person approves. */
export async function requestContractAddition(
  db: Db,
  actor: UserPrincipal,
  input: z.input<typeof contractAdditionSchema>,
  now = new Date(),
): Promise<{ requestId: string }> {
  requireAdmin(actor);
  const data = contractAdditionSchema.parse(input);
  return db.$transaction(async (tx) => {
    await lockAgent(tx, data.agentId);
    if (
      await tx.agentContractEntry.findUnique({ where: { agentId_entry: { agentId: data.agentId, entry: data.entry } } })
    )
      throw conflict(`"${data.entry}" is already an internal subject of this agent.`);
    if (await tx.contractRequest.findFirst({ where: { agentId: data.agentId, entry: data.entry, status: "open" } }))
      throw conflict(`A request to add "${data.entry}" is already open.`);
    if ((await tx.agentContractEntry.count({ where: { agentId: data.agentId } })) >= MAX_CONTRACT_ENTRIES)
      throw conflict(`An agent's contract holds at most ${MAX_CONTRACT_ENTRIES} internal subjects; remove one first.`);
    const request = await tx.contractRequest.create({
      data: {
        agentId: data.agentId,
        entry: data.entry,
        reason: data.reason.trim(),
        requestedById: actor.id,
        requestedByLabel: actor.email,
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
        data: { requestId: request.id, entry: data.entry, reason: data.reason.trim() },
      },
      now,
    );
    return { requestId: request.id };
  });
}

/** A second reviewer or admin approves (the entry applies at once) or rejects an open addition. */
export async function decideContractAddition(
  db: Db,
  decider: UserPrincipal,
  input: z.input<typeof contractDecisionSchema>,
  now = new Date(),
): Promise<{ status: "approved" | "rejected" }> {
  const data = contractDecisionSchema.parse(input);
  return db.$transaction(async (tx) => {
    const found = await tx.contractRequest.findUnique({ where: { id: data.requestId }, select: { agentId: true } });
    if (!found) throw new AppError("not_found", "Contract request not found.");
    await lockAgent(tx, found.agentId);
    const request = await tx.contractRequest.findUniqueOrThrow({ where: { id: data.requestId } });
    const approve = data.decision === "approve";
    const check = checkContractAdditionDecision({
      request,
      decider: { id: decider.id, role: decider.role },
      rationale: data.rationale,
      approve,
      entries: await tx.agentContractEntry.count({ where: { agentId: request.agentId } }),
    });
    if (!check.ok) throw domainError(check);
    const rationale = data.rationale.trim();
    await tx.contractRequest.update({
      where: { id: request.id },
      data: {
        status: approve ? "approved" : "rejected",
        decidedById: decider.id,
        decisionRationale: rationale,
        decidedAt: now,
      },
    });
    if (approve) {
      await tx.agentContractEntry.create({
        data: { agentId: request.agentId, entry: request.entry, requestId: request.id, createdAt: now },
      });
      // The first approved entry creates the contract; it stays even when emptied (nothing is then internal).
      await tx.agent.updateMany({ where: { id: request.agentId, contractSince: null }, data: { contractSince: now } });
      await notifyContractChange(tx, request.agentId, now);
    }
    await appendAudit(
      tx,
      {
        actor: userActor(decider),
        kind: approve ? "agent.contract_entry_added" : "agent.contract_addition_rejected",
        entityType: "agent",
        entityId: request.agentId,
        agentId: request.agentId,
        data: { requestId: request.id, entry: request.entry, rationale, requestedBy: request.requestedByLabel },
      },
      now,
    );
    return { status: approve ? "approved" : "rejected" };
  });
}

/** Removing an internal subject tightens the contract: it applies at once. */
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
    const removed = await tx.agentContractEntry.deleteMany({ where: { agentId: data.agentId, entry: data.entry } });
    if (removed.count === 0)
      throw new AppError("not_found", `"${data.entry}" is not an internal subject of this agent.`);
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
