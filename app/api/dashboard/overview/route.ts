import { listOverviewPage } from "@/lib/action-types/data";
import { overviewQuerySchema } from "@/lib/action-types/schema";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** One page of the overview: ?q=&agent=&tier=&status=&sort=&page= (as the overview's URL). */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/overview",
    auth: "session",
    permission: "dashboard:read",
    query: overviewQuerySchema,
    handler: async ({ db, query }) => listOverviewPage(db, query),
  }),
});
