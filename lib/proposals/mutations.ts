// Proposals (SPEC §8): the agent proposes, a person decides once, the agent executes the accepted
// parameters once. Each step is one transaction with its audit entry (entity "proposal", so the log
// links proposal, decision and consumption); the decision also records the CRAWL outcome through the
// events' own path. Concurrency is settled by conditional UPDATEs: of two decisions, or twenty
// consumes, exactly one changes the row.
import type { Db } from "@/lib/db";
import type { Prisma } from "@/lib/db/generated/client";
import { AppError, conflict, domainError, forbidden, notFound } from "@/lib/errors";
import { zodDetails } from "@/lib/errors/zod";
import { appendAudit } from "@/lib/audit/mutations";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { can } from "@/lib/gating/permissions";
import { proposalExpiryMs } from "@/lib/gating/defaults";
import { consumeGrant, decideProposal, proposalEventKey, type Decision } from "@/lib/gating/proposals";
import { currentPolicy } from "@/lib/policies/data";
import { recordOutcome } from "@/lib/events/mutations";
import { TX_OPTIONS } from "@/lib/db/locks";
import { proposalDigest } from "./digest";
import { proposalRow, proposalState, toProposalView } from "./data";
import { decisionSchema, type ProposalInput, type ProposalView } from "./schema";

export interface AgentRef {
  id: string;
  slug: string;
}

const agentActor = (agent: AgentRef) => ({ type: "agent" as const, id: agent.id, label: agent.slug });
const isUniqueViolation = (e: unknown) => (e as { code?: unknown } | null)?.code === "P2002";

/** Stores a pending proposal (any tier may propose); a retried idempotency key answers the same one. */
export async function createProposal(
  db: Db,
  agent: AgentRef,
  input: ProposalInput,
  now: Date = new Date(),
): Promise<{ proposal: ProposalView; created: boolean }> {
  const actionType = await db.actionType.findUnique({
    where: { agentId_key: { agentId: agent.id, key: input.action } },
    select: { id: true },
  });
  if (!actionType)
    throw new AppError("validation_failed", `The agent has no action type ${input.action}.`, {
      issues: [{ path: "action", message: "unknown action" }],
    });
  const digest = proposalDigest({ agent: agent.slug, ...input });
  const key = { agentId_idempotencyKey: { agentId: agent.id, idempotencyKey: input.idempotencyKey } };
  const retried = async () => {
    const row = await proposalRow(db, key);
    if (!row) return null;
    if (row.digest !== digest || row.summary !== input.summary)
      throw conflict("This idempotency key was used for another proposal; use a new key.", {
        id: row.id,
        digest: row.digest,
      });
    return { proposal: toProposalView(row, now), created: false };
  };
  const earlier = await retried();
  if (earlier) return earlier;
  const { rules } = await currentPolicy(db, actionType.id);
  try {
    const row = await db.$transaction(async (tx) => {
      const created = await tx.proposal.create({
        data: {
          agentId: agent.id,
          actionTypeId: actionType.id,
          idempotencyKey: input.idempotencyKey,
          audience: input.audience,
          subject: input.subject,
          summary: input.summary,
          parameters: input.parameters as Prisma.InputJsonValue,
          digest,
          createdAt: now,
          expiresAt: new Date(now.getTime() + proposalExpiryMs(rules)),
        },
        select: { id: true, expiresAt: true },
      });
      await appendAudit(
        tx,
        {
          actor: agentActor(agent),
          kind: "proposal.created",
          entityType: "proposal",
          entityId: created.id,
          agentId: agent.id,
          actionTypeId: actionType.id,
          data: { action: input.action, digest, expiresAt: created.expiresAt.toISOString() },
        },
        now,
      );
      return proposalRow(tx, { id: created.id });
    }, TX_OPTIONS);
    return { proposal: toProposalView(row!, now), created: true };
  } catch (e) {
    // Two concurrent retries of one key: the loser answers the winner's proposal.
    if (isUniqueViolation(e)) {
      const winner = await retried();
      if (winner) return winner;
    }
    throw e;
  }
}

/**
 * A person's decision on a proposal: accept, accept with edited parameters (a new digest) or reject
 * with a reason in words. In one transaction: the decision, exactly one CRAWL outcome event
 * (`suggestion.accepted | edited | rejected`, attributed to the person) through the events' path so
 * the evidence fold counts it, and its audit entry. A second decision is refused (already_decided).
 */
export async function decideSuggestion(
  db: Db,
  person: UserPrincipal,
  id: string,
  rawDecision: unknown,
  now: Date = new Date(),
): Promise<ProposalView> {
  if (!can(person.role, "suggestion:decide")) throw forbidden(`Your role (${person.role}) may not decide suggestions.`);
  const parsed = decisionSchema.safeParse(rawDecision);
  if (!parsed.success) throw new AppError("validation_failed", "The decision is not valid.", zodDetails(parsed.error));
  const decision = parsed.data;
  return db.$transaction(async (tx) => {
    const row = await proposalRow(tx, { id });
    if (!row) throw notFound("Proposal");
    const edited =
      decision.type === "edit"
        ? {
            parameters: decision.parameters,
            digest: proposalDigest({
              agent: row.agent.slug,
              action: row.actionType.key,
              audience: row.audience as "internal" | "external",
              subject: row.subject,
              parameters: decision.parameters,
            }),
          }
        : null;
    const asked: Decision = edited ? { type: "edit", digest: edited.digest } : (decision as Decision);
    const outcome = decideProposal(proposalState(row), asked, now.getTime());
    if (!outcome.ok) throw domainError(outcome);
    const granted = outcome.status === "rejected" ? null : (edited?.parameters ?? row.parameters);
    // The conditional UPDATE decides races: only one decision finds the row still pending.
    const { count } = await tx.proposal.updateMany({
      where: { id, status: "pending", expiresAt: { gt: now } },
      data: {
        status: outcome.status,
        decidedAt: now,
        decidedById: person.id,
        decisionReason: decision.type === "reject" ? decision.reason.trim() : null,
        grantedParameters: (granted ?? undefined) as Prisma.InputJsonValue | undefined,
        grantDigest: outcome.grantDigest,
      },
    });
    if (count !== 1) throw domainError({ code: "already_decided", message: "the proposal was decided meanwhile" });
    const recorded = await recordOutcome(
      tx,
      { agentId: row.agentId, userId: person.id },
      row.actionTypeId,
      {
        idempotencyKey: proposalEventKey(id),
        action: row.actionType.key,
        kind: outcome.eventKind,
        tier: "CRAWL",
        occurredAt: now,
        subjectRef: row.subject,
        metadata: { proposalId: id, decidedBy: { type: "user", id: person.id } },
      },
      now,
    );
    // The key is the proposal's own; an event already holding it would make the count wrong.
    if (!recorded) throw conflict("An outcome event already holds this proposal's key; nothing was decided.");
    await appendAudit(
      tx,
      {
        actor: userActor(person),
        kind: outcome.eventKind,
        entityType: "proposal",
        entityId: id,
        agentId: row.agentId,
        actionTypeId: row.actionTypeId,
        data: {
          proposedDigest: row.digest,
          grantDigest: outcome.grantDigest,
          ...(decision.type === "reject" ? { reason: decision.reason.trim() } : {}),
        },
      },
      now,
    );
    return toProposalView((await proposalRow(tx, { id }))!, now);
  }, TX_OPTIONS);
}

/** The agent executes: one use of exactly the granted digest, before expiry (409 / 410 otherwise). */
export async function consumeProposal(
  db: Db,
  agent: AgentRef,
  id: string,
  digest: string,
  now: Date = new Date(),
): Promise<ProposalView> {
  return db.$transaction(async (tx) => {
    // One conditional UPDATE: of concurrent consumes, exactly one finds the grant unused.
    const { count } = await tx.proposal.updateMany({
      where: {
        id,
        agentId: agent.id,
        status: { in: ["accepted", "edited"] },
        consumedAt: null,
        grantDigest: digest,
        expiresAt: { gt: now },
      },
      data: { consumedAt: now },
    });
    const row = await proposalRow(tx, { id });
    if (!row || row.agentId !== agent.id) throw notFound("Proposal");
    if (count !== 1) {
      const refusal = consumeGrant(proposalState(row), digest, now.getTime());
      throw domainError(refusal.ok ? { code: "grant_used", message: "the grant was used meanwhile" } : refusal);
    }
    await appendAudit(
      tx,
      {
        actor: agentActor(agent),
        kind: "proposal.consumed",
        entityType: "proposal",
        entityId: id,
        agentId: agent.id,
        actionTypeId: row.actionTypeId,
        data: { digest },
      },
      now,
    );
    return toProposalView(row, now);
  }, TX_OPTIONS);
}
