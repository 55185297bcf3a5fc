// The transactional outbox: called from the audit append (lib/audit/mutations.ts), so every notified
// change writes its message in the change's own transaction — it commits or rolls back with it.
import { randomBytes } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { auditEntityPath, summarizeAudit } from "@/lib/audit/summary";
import type { NotificationKind } from "./kinds";
import type { StoredPayload } from "./payload";

export interface NotifiedEntry {
  seq: bigint;
  kind: string;
  actorLabel: string;
  entityType: string;
  entityId: string;
  agentId: string | null;
  actionTypeId: string | null;
  data: unknown;
  createdAt: Date;
}

export function publicBaseUrl(): string {
  const configured = process.env.PUBLIC_URL?.trim() || process.env.AUTH_URL?.trim();
  return (configured || `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, "");
}

/** Time-ordered, unique message id, the Standard Webhooks `webhook-id`. */
function messageId(now: Date): string {
  return `msg_${now.getTime().toString(36).padStart(9, "0")}${randomBytes(8).toString("hex")}`;
}

export async function enqueueNotification(
  tx: Tx,
  kind: NotificationKind,
  entry: NotifiedEntry,
): Promise<string | null> {
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { enabled: true, kinds: { has: kind } },
    select: { id: true },
  });
  if (endpoints.length === 0) return null;
  const actionType = entry.actionTypeId
    ? await tx.actionType.findUnique({
        where: { id: entry.actionTypeId },
        select: { id: true, key: true, name: true, agent: { select: { id: true, slug: true, name: true } } },
      })
    : null;
  const agent =
    actionType?.agent ??
    (entry.agentId
      ? await tx.agent.findUnique({ where: { id: entry.agentId }, select: { id: true, slug: true, name: true } })
      : null);
  const payload: StoredPayload = {
    type: kind,
    timestamp: entry.createdAt.toISOString(),
    data: {
      summary: summarizeAudit(entry, { agent, actionType }),
      url: publicBaseUrl() + (auditEntityPath(entry) || "/audit"),
      auditSeq: entry.seq.toString(),
      auditKind: entry.kind,
      entity: { type: entry.entityType, id: entry.entityId },
      agent,
      actionType: actionType ? { id: actionType.id, key: actionType.key, name: actionType.name } : null,
      actor: entry.actorLabel,
      details: entry.data ?? {},
    },
  };
  const id = messageId(entry.createdAt);
  await tx.outboxEvent.create({
    data: { id, kind, payload: payload as object, auditSeq: entry.seq, createdAt: entry.createdAt },
  });
  await tx.webhookDelivery.createMany({
    data: endpoints.map((e) => ({
      eventId: id,
      endpointId: e.id,
      nextAttemptAt: entry.createdAt,
      createdAt: entry.createdAt,
    })),
  });
  return id;
}
