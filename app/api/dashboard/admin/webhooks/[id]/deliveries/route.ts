import { z } from "zod";
import { DELIVERY_STATUSES, listDeliveries } from "@/lib/notifications/data";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** One endpoint's delivery log, newest first (optionally only pending, delivered or dead letters). */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/admin/webhooks/{id}/deliveries",
    auth: "session",
    permission: "admin:manage",
    params: z.strictObject({ id: z.uuid() }),
    query: z.strictObject({ status: z.enum(DELIVERY_STATUSES).optional() }),
    handler: async ({ db, params, query }) => ({
      deliveries: await listDeliveries(db, params.id, query.status ? { status: query.status } : {}),
    }),
  }),
});
