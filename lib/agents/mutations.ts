// Agents and their action types (admin). A new action type starts in CRAWL with the default policy
// of its blast radius as version 1.
import type { z } from "zod";
import type { Db } from "@/lib/db";
import { defaultPolicy } from "@cwr/gating";
import { appendAudit, type Actor } from "@/lib/audit/mutations";
import { actionTypeInputSchema, agentInputSchema } from "./schema";
import { conflict } from "@/lib/errors";

export async function createAgent(db: Db, actor: Actor, input: z.input<typeof agentInputSchema>, now = new Date()) {
  const data = agentInputSchema.parse(input);
  return db.$transaction(async (tx) => {
    if (await tx.agent.findUnique({ where: { slug: data.slug }, select: { id: true } }))
      throw conflict(`An agent with slug "${data.slug}" already exists.`);
    const agent = await tx.agent.create({ data: { ...data, createdAt: now } });
    await appendAudit(
      tx,
      { actor, kind: "agent.created", entityType: "agent", entityId: agent.id, agentId: agent.id, data },
      now,
    );
    return agent;
  });
}

export async function createActionType(
  db: Db,
  actor: Actor,
  input: z.input<typeof actionTypeInputSchema>,
  now = new Date(),
) {
  const data = actionTypeInputSchema.parse(input);
  return db.$transaction(async (tx) => {
    if (
      await tx.actionType.findUnique({
        where: { agentId_key: { agentId: data.agentId, key: data.key } },
        select: { id: true },
      })
    )
      throw conflict(`This agent already has an action type "${data.key}".`);
    const actionType = await tx.actionType.create({
      data: { ...data, tier: "CRAWL", tierSince: now, evidenceSince: now, createdAt: now },
    });
    const rules = defaultPolicy(data.blastRadius);
    await tx.policy.create({
      data: {
        actionTypeId: actionType.id,
        version: 1,
        rules: rules as object,
        reason: `default for blast radius ${data.blastRadius}`,
        createdAt: now,
        createdById: actor.type === "user" ? actor.id : null,
      },
    });
    await appendAudit(
      tx,
      {
        actor,
        kind: "action_type.created",
        entityType: "action_type",
        entityId: actionType.id,
        agentId: data.agentId,
        actionTypeId: actionType.id,
        data: { ...data, policyVersion: 1 },
      },
      now,
    );
    return actionType;
  });
}
