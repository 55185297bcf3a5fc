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
import { can } from "@cwr/gating/permissions";
import { proposalExpiryMs } from "@cwr/gating/defaults";
import { consumeGrant, decideProposal, proposalEventKey, type Decision } from "@cwr/gating/proposals";
import { currentPolicy } from "@/lib/policies/data";
import { recordOutcome } from "@/lib/events/mutations";
import { TX_OPTIONS } from "@/lib/db/locks";
import { proposalDigest } from "./digest";
import { proposalRow, proposalState, toProposalView } from "./data";
import { notifyProposalDecided } from "@/lib/db/notify";
import {
  decisionSchema,
  type ProposalInput,
  type ProposalView,
  type ReporterDecisionInput,
  type SuggestionDecision,
} from "./schema";
import { personSource, reporterSource } from "@cwr/gating/evidence-source";

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

/** Who decides: a person with `suggestion:decide`, or a system of record's reporter key naming its own user. */
type Decider =
  | { kind: "person"; user: UserPrincipal }
  | { kind: "reporter"; keyId: string; agentId: string; agentSlug: string; person: string };

const sourceOf = (d: Decider) => (d.kind === "person" ? personSource(d.user.id) : reporterSource(d.keyId));
const decidedByOf = (d: Decider) =>
  d.kind === "person"
    ? { type: "user" as const, id: d.user.id }
    : { type: "reporter" as const, keyId: d.keyId, person: d.person };
const actorOf = (d: Decider) =>
  d.kind === "person"
    ? userActor(d.user)
    : { type: "agent" as const, id: d.agentId, label: `${d.agentSlug} (reporter key, for ${d.person})` };

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
  return applyDecision(db, { kind: "person", user: person }, id, parsed.data, now);
}

/**
 * A system of record decides through a reporter key of the proposal's agent, naming its own user.
 * Recorded once as `reporter:<key id>`; a retry of the same decision by the same key answers it again.
 */
export async function decideByReporter(
  db: Db,
  key: { keyId: string; agentId: string; agentSlug: string },
  id: string,
  input: ReporterDecisionInput,
  now: Date = new Date(),
): Promise<ProposalView> {
  const decision: SuggestionDecision =
    input.decision === "edit"
      ? { type: "edit", parameters: input.parameters }
      : input.decision === "reject"
        ? { type: "reject", reason: input.reason }
        : { type: "accept" };
  const decider: Decider = { kind: "reporter", ...key, person: input.decidedBy };
  try {
    return await applyDecision(db, decider, id, decision, now);
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== "already_decided") throw e;
    const again = await sameDecisionStored(db, decider, id, decision);
    if (again) return again;
    throw e;
  }
}

/** The stored decision, if it is this one by this decider (a retried call). */
async function sameDecisionStored(
  db: Db,
  decider: Decider,
  id: string,
  decision: SuggestionDecision,
): Promise<ProposalView | null> {
  const row = await proposalRow(db, { id });
  if (!row) return null;
  const event = await db.outcomeEvent.findFirst({
    where: { agentId: row.agentId, idempotencyKey: proposalEventKey(id) },
    select: { source: true },
  });
  if (event?.source !== sourceOf(decider)) return null;
  const status = decision.type === "accept" ? "accepted" : decision.type === "edit" ? "edited" : "rejected";
  if (row.status !== status) return null;
  if (decision.type === "edit" && row.grantDigest !== editedDigest(row, decision.parameters)) return null;
  return toProposalView(row, new Date());
}

type Row = NonNullable<Awaited<ReturnType<typeof proposalRow>>>;
const editedDigest = (row: Row, parameters: Record<string, unknown>) =>
  proposalDigest({
    agent: row.agent.slug,
    action: row.actionType.key,
    audience: row.audience as "internal" | "external",
    subject: row.subject,
    parameters,
  });

async function applyDecision(
  db: Db,
  decider: Decider,
  id: string,
  decision: SuggestionDecision,
  now: Date,
): Promise<ProposalView> {
  return db.$transaction(async (tx) => {
    const row = await proposalRow(tx, { id });
    // A reporter key sees only its own agent's proposals.
    if (!row || (decider.kind === "reporter" && row.agentId !== decider.agentId)) throw notFound("Proposal");
    const edited =
      decision.type === "edit"
        ? { parameters: decision.parameters, digest: editedDigest(row, decision.parameters) }
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
        decidedById: decider.kind === "person" ? decider.user.id : null,
        decisionReason: decision.type === "reject" ? decision.reason.trim() : null,
        grantedParameters: (granted ?? undefined) as Prisma.InputJsonValue | undefined,
        grantDigest: outcome.grantDigest,
      },
    });
    if (count !== 1) throw domainError({ code: "already_decided", message: "the proposal was decided meanwhile" });
    const recorded = await recordOutcome(
      tx,
      { agentId: row.agentId, source: sourceOf(decider) },
      row.actionTypeId,
      {
        idempotencyKey: proposalEventKey(id),
        action: row.actionType.key,
        kind: outcome.eventKind,
        tier: "CRAWL",
        occurredAt: now,
        subjectRef: row.subject,
        metadata: { proposalId: id, decidedBy: decidedByOf(decider) },
      },
      now,
    );
    // The key is the proposal's own; an event already holding it would make the count wrong.
    if (!recorded) throw conflict("An outcome event already holds this proposal's key; nothing was decided.");
    await appendAudit(
      tx,
      {
        actor: actorOf(decider),
        kind: outcome.eventKind,
        entityType: "proposal",
        entityId: id,
        agentId: row.agentId,
        actionTypeId: row.actionTypeId,
        data: {
          proposedDigest: row.digest,
          grantDigest: outcome.grantDigest,
          ...(decider.kind === "reporter" ? { reporterKeyId: decider.keyId, decidedBy: decider.person } : {}),
          ...(decision.type === "reject" ? { reason: decision.reason.trim() } : {}),
        },
      },
      now,
    );
    await notifyProposalDecided(tx, {
      id,
      agentId: row.agentId,
      action: row.actionType.key,
      status: outcome.status,
      decidedAt: now.toISOString(),
    });
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
