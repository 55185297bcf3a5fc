import { listAgents } from "@/lib/agents/data";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/admin/agents",
    auth: "session",
    permission: "admin:manage",
    handler: async ({ db }) => ({ agents: await listAgents(db) }),
  }),
});
