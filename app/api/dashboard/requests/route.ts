import { requestsScreen } from "@/lib/requests/inbox";
import { requestsQuerySchema } from "@/lib/requests/schema";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/requests",
    auth: "session",
    permission: "dashboard:read",
    query: requestsQuerySchema,
    handler: async ({ db, query, user }) => {
      return requestsScreen(db, user, query.status ?? "all", query.action);
    },
  }),
});
