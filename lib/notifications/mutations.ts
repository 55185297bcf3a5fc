// Webhook endpoints (admin-managed) and replay of deliveries. Each change is audited in its transaction;
// the secret is returned once, at creation; the audit log gets neither it nor the URL path (a Slack
// webhook URL is itself a secret), only the origin.
import type { Db } from "@/lib/db";
import { appendAudit, type Actor } from "@/lib/audit/mutations";
import { AppError } from "@/lib/errors";
import { endpointInputSchema, type EndpointInput } from "./schema";
import { newWebhookSecret } from "./sign";
import { STREAMED_KIND } from "./kinds";
import { EgressRefused, isDemoReceiver, resolveTarget } from "./egress";

/** Resolves the address now, for a clear error (it is resolved and checked again at every send). */
async function checkEgress(url: string): Promise<void> {
  // The demo's own receiver is served by this process: its public name may not resolve where the
  // server starts (a PUBLIC_URL behind a proxy); a send that cannot reach it retries and dead-letters.
  if (isDemoReceiver(new URL(url))) return;
  try {
    await resolveTarget(url);
  } catch (e) {
    if (!(e instanceof EgressRefused)) throw e;
    throw new AppError("validation_failed", `Webhooks go only to public addresses: ${e.message}.`, {
      issues: [{ path: "url", message: e.message }],
    });
  }
}

export async function createWebhookEndpoint(db: Db, actor: Actor, raw: EndpointInput, now = new Date()) {
  const input = endpointInputSchema.parse(raw);
  await checkEgress(input.url);
  const secret = newWebhookSecret();
  return db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.create({
      data: {
        name: input.name,
        url: input.url,
        kinds: [...new Set(input.kinds)],
        format: input.format,
        secret,
        createdById: actor.type === "user" ? actor.id : null,
        createdAt: now,
      },
      select: { id: true, name: true, url: true, kinds: true, format: true },
    });
    // A SIEM starts from the first entry: it sees the whole log, then follows it.
    if (endpoint.kinds.includes(STREAMED_KIND))
      await tx.auditStream.create({ data: { endpointId: endpoint.id, nextAttemptAt: now } });
    await appendAudit(
      tx,
      {
        actor,
        kind: "webhook.created",
        entityType: "webhook_endpoint",
        entityId: endpoint.id,
        data: {
          name: endpoint.name,
          url: `${new URL(endpoint.url).origin}/…`,
          kinds: endpoint.kinds,
          format: endpoint.format,
        },
      },
      now,
    );
    return { ...endpoint, secret };
  });
}

export async function setWebhookEndpointEnabled(
  db: Db,
  actor: Actor,
  input: { endpointId: string; enabled: boolean },
  now = new Date(),
) {
  return db.$transaction(async (tx) => {
    const before = await tx.webhookEndpoint.findUnique({
      where: { id: input.endpointId },
      select: { id: true, name: true, enabled: true },
    });
    if (!before) throw new AppError("not_found", "Webhook endpoint not found.");
    if (before.enabled === input.enabled)
      throw new AppError("conflict", `This endpoint is already ${input.enabled ? "active" : "paused"}.`);
    await tx.webhookEndpoint.update({ where: { id: before.id }, data: { enabled: input.enabled } });
    await appendAudit(
      tx,
      {
        actor,
        kind: "webhook.updated",
        entityType: "webhook_endpoint",
        entityId: before.id,
        data: { name: before.name, enabled: input.enabled },
      },
      now,
    );
    return { enabled: input.enabled };
  });
}

/**
 * Sends a delivery again: a dead letter (or a delivered one, on request) becomes pending with a fresh
 * retry budget. The message keeps its webhook-id and body, so a receiver that saw it can tell.
 */
export async function replayDeliveries(
  db: Db,
  actor: Actor,
  input: { endpointId: string; deliveryId?: string },
  now = new Date(),
) {
  return db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({
      where: { id: input.endpointId },
      select: { id: true, name: true },
    });
    if (!endpoint) throw new AppError("not_found", "Webhook endpoint not found.");
    const where = input.deliveryId
      ? { id: input.deliveryId, endpointId: endpoint.id, status: { in: ["dead", "delivered"] } }
      : { endpointId: endpoint.id, status: "dead" };
    const targets = await tx.webhookDelivery.findMany({ where, select: { id: true, eventId: true } });
    if (targets.length === 0)
      throw new AppError(
        "conflict",
        input.deliveryId
          ? "That delivery is still pending (or not of this endpoint): nothing to replay."
          : "No dead letters to replay.",
      );
    await tx.webhookDelivery.updateMany({
      where: { id: { in: targets.map((t) => t.id) } },
      data: { status: "pending", attempts: 0, nextAttemptAt: now, lockedUntil: null },
    });
    await appendAudit(
      tx,
      {
        actor,
        kind: "webhook.replayed",
        entityType: "webhook_endpoint",
        entityId: endpoint.id,
        data: { name: endpoint.name, deliveries: targets.length, events: targets.slice(0, 20).map((t) => t.eventId) },
      },
      now,
    );
    return { replayed: targets.length };
  });
}
