import { z } from "zod";
import { listRequests } from "@/lib/requests/data";
import { REQUEST_STATUSES } from "@/lib/gating/types";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/requests",
    auth: "session",
    permission: "dashboard:read",
    query: z.strictObject({ status: z.enum(REQUEST_STATUSES).optional(), action: z.uuid().optional() }),
    handler: async ({ db, query }) => ({ rows: await listRequests(db, { ...(query.status ? { status: query.status } : {}), ...(query.action ? { actionTypeId: query.action } : {}) }) }),
  }),
});
