// API keys: 256-bit random secrets, shown once, stored as SHA-256, revocable, scoped to one agent.
import type { Db } from "@/lib/db";
import { appendAudit, type Actor } from "@/lib/audit/mutations";
import { AppError } from "@/lib/errors";
import type { KeyScope } from "@cwr/gating/evidence-source";
import { notifyKeyRevoked } from "@/lib/db/notify";
import { forgetCachedKeys } from "./data";
import { hashApiKey, newKeySecret } from "./secret";

export async function createApiKey(
  db: Db,
  actor: Actor,
  input: { agentId: string; name: string; scope?: KeyScope },
  now = new Date(),
) {
  const secret = newKeySecret();
  return db.$transaction(async (tx) => {
    const agent = await tx.agent.findUnique({ where: { id: input.agentId }, select: { id: true, slug: true } });
    if (!agent) throw new AppError("not_found", "Agent not found.");
    const key = await tx.apiKey.create({
      data: {
        agentId: agent.id,
        name: input.name,
        prefix: secret.slice(0, 10),
        hash: hashApiKey(secret),
        scope: input.scope ?? "agent",
        createdById: actor.type === "user" ? actor.id : null,
        createdAt: now,
      },
      select: { id: true, prefix: true, name: true, scope: true, createdAt: true },
    });
    await appendAudit(
      tx,
      {
        actor,
        kind: "api_key.created",
        entityType: "api_key",
        entityId: key.id,
        agentId: agent.id,
        data: { name: input.name, prefix: key.prefix, scope: key.scope },
      },
      now,
    );
    return { ...key, agentSlug: agent.slug, secret };
  });
}

export async function revokeApiKey(db: Db, actor: Actor, input: { keyId: string }, now = new Date()) {
  return db
    .$transaction(async (tx) => {
      const key = await tx.apiKey.findUnique({
        where: { id: input.keyId },
        select: { id: true, agentId: true, revokedAt: true, prefix: true },
      });
      if (!key) throw new AppError("not_found", "API key not found.");
      if (key.revokedAt) throw new AppError("conflict", "This key is already revoked.");
      await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: now } });
      await notifyKeyRevoked(tx, key.id); // on commit, every instance forgets the keys it remembers
      await appendAudit(
        tx,
        {
          actor,
          kind: "api_key.revoked",
          entityType: "api_key",
          entityId: key.id,
          agentId: key.agentId,
          data: { prefix: key.prefix },
        },
        now,
      );
      return { revoked: true };
    })
    .then((result) => {
      forgetCachedKeys(); // after commit: this process stops accepting the key at once
      return result;
    });
}
