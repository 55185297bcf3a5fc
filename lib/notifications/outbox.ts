// The transactional outbox: called from the audit append (lib/audit/mutations.ts), so every notified
// change writes its message in the change's own transaction — it commits or rolls back with it.
import { randomBytes } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { auditEntityPath, summarizeAudit } from "@/lib/audit/summary";
import type { NotificationKind } from "./kinds";
import type { StoredPayload } from "./payload";
import { publicBaseUrl } from "@/lib/urls/public-url";

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

/** Time-ordered, unique message id, the Standard Webhooks `webhook-id`. */
function messageId(now: Date): string {
  return `msg_${now.getTime().toString(36).padStart(9, "0")}${randomBytes(8).toString("hex")}`;
}

type Agent = { id: string; slug: string; name: string };
type ActionType = { id: string; key: string; name: string; agent: Agent };

/** Agents and action types a caller already holds, so the outbox need not read them again. */
export interface NotificationSubjects {
  actionTypes?: ReadonlyMap<string, ActionType>;
}

/** One message per notified entry, and one delivery per listening endpoint; nothing when nobody listens. */
export async function enqueueNotifications(
  tx: Tx,
  items: ReadonlyArray<{ kind: NotificationKind; entry: NotifiedEntry }>,
  subjects: NotificationSubjects = {},
): Promise<string[]> {
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { enabled: true, kinds: { hasSome: [...new Set(items.map((i) => i.kind))] } },
    select: { id: true, kinds: true },
  });
  if (endpoints.length === 0) return [];
  const events: Array<{ id: string; kind: string; payload: object; auditSeq: bigint; createdAt: Date }> = [];
  const deliveries: Array<{ eventId: string; endpointId: string; nextAttemptAt: Date; createdAt: Date }> = [];
  for (const { kind, entry } of items) {
    const listening = endpoints.filter((e) => e.kinds.includes(kind));
    if (listening.length === 0) continue;
    const actionType = entry.actionTypeId
      ? (subjects.actionTypes?.get(entry.actionTypeId) ??
        (await tx.actionType.findUnique({
          where: { id: entry.actionTypeId },
          select: { id: true, key: true, name: true, agent: { select: { id: true, slug: true, name: true } } },
        })))
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
    events.push({ id, kind, payload: payload as object, auditSeq: entry.seq, createdAt: entry.createdAt });
    for (const e of listening)
      deliveries.push({ eventId: id, endpointId: e.id, nextAttemptAt: entry.createdAt, createdAt: entry.createdAt });
  }
  if (events.length === 0) return [];
  await tx.outboxEvent.createMany({ data: events });
  await tx.webhookDelivery.createMany({ data: deliveries });
  return events.map((e) => e.id);
}
