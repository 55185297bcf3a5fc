import { listOverview } from "@/lib/action-types/data";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({ name: "GET /api/dashboard/overview", auth: "session", permission: "dashboard:read", handler: async ({ db }) => ({ rows: await listOverview(db) }) }),
});
