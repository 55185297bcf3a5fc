import { methods, route } from "@/lib/http/route";
import { tierStream } from "@/lib/http/sse";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/v1/tiers/stream",
    auth: "key",
    handler: async ({ req, db, agent }) =>
      tierStream(db, agent.agentId, req.signal, req.headers.get("last-event-id"), agent.keyId),
  }),
});
