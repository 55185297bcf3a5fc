import { requestsScreen } from "@/lib/requests/inbox";
import { requestsQuerySchema } from "@/lib/requests/schema";
import { AppError } from "@/lib/errors";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/requests",
    auth: "session",
    permission: "dashboard:read",
    query: requestsQuerySchema,
    handler: async ({ db, query, principal }) => {
      if (principal.kind !== "user") throw new AppError("unauthenticated", "Sign in first.");
      return requestsScreen(db, principal.user, query.status ?? "all", query.action);
    },
  }),
});
