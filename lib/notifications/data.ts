// Reads for the admin screens: endpoints (never their secrets) and each endpoint's delivery log.
import type { Db } from "@/lib/db";
import { secretHint } from "./sign";
import { auditStreamLag } from "./audit-stream";
import type { StoredPayload } from "./payload";

export async function listWebhookEndpoints(db: Db) {
  const [endpoints, counts, streams] = await Promise.all([
    db.webhookEndpoint.findMany({
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        name: true,
        url: true,
        kinds: true,
        format: true,
        secret: true,
        enabled: true,
        createdAt: true,
      },
    }),
    db.webhookDelivery.groupBy({ by: ["endpointId", "status"], _count: { _all: true } }),
    auditStreamLag(db),
  ]);
  return endpoints.map(({ secret, ...e }) => {
    const of = (status: string) => counts.find((c) => c.endpointId === e.id && c.status === status)?._count._all ?? 0;
    return {
      ...e,
      createdAt: e.createdAt.toISOString(),
      secretHint: secretHint(secret),
      pending: of("pending"),
      delivered: of("delivered"),
      dead: of("dead"),
      /** SIEM endpoints (audit.entry): how far the stream has come, and how far behind it is */
      auditStream: streams.get(e.id) ?? null,
    };
  });
}
export type EndpointRow = Awaited<ReturnType<typeof listWebhookEndpoints>>[number];

export const DELIVERY_STATUSES = ["pending", "delivered", "dead"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export async function listDeliveries(
  db: Db,
  endpointId: string,
  filter: { status?: DeliveryStatus; take?: number } = {},
) {
  const rows = await db.webhookDelivery.findMany({
    where: { endpointId, ...(filter.status ? { status: filter.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(200, filter.take ?? 50),
    select: {
      id: true,
      status: true,
      attempts: true,
      nextAttemptAt: true,
      lastAttemptAt: true,
      lastStatusCode: true,
      lastError: true,
      deliveredAt: true,
      createdAt: true,
      event: { select: { id: true, kind: true, payload: true } },
    },
  });
  return rows.map((r) => {
    const p = r.event.payload as unknown as StoredPayload;
    return {
      id: r.id,
      eventId: r.event.id,
      kind: r.event.kind,
      summary: p.data?.summary ?? "",
      url: p.data?.url ?? "",
      status: r.status as DeliveryStatus,
      attempts: r.attempts,
      nextAttemptAt: r.status === "pending" ? r.nextAttemptAt.toISOString() : null,
      lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
      lastStatusCode: r.lastStatusCode,
      lastError: r.lastError,
      deliveredAt: r.deliveredAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    };
  });
}
export type DeliveryRow = Awaited<ReturnType<typeof listDeliveries>>[number];
