import { z } from "zod";
import { requestsScreen } from "@/lib/requests/inbox";
import { REQUEST_STATUSES } from "@/lib/gating/types";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/requests",
    auth: "session",
    permission: "dashboard:read",
    query: z.strictObject({
      status: z.enum([...REQUEST_STATUSES, "all", "awaiting"]).optional(),
      action: z.uuid().optional(),
    }),
    handler: async ({ db, query, user }) => {
      return requestsScreen(db, user, query.status ?? "all", query.action);
    },
  }),
});
