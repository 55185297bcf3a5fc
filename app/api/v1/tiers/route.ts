import { cachedAgentTiers } from "@/lib/action-types/tier-cache";
import { json, methods, route } from "@/lib/http/route";
import { agentOf } from "@/lib/http/principal";
import { matchesIfNoneMatch, strongEtag } from "@/lib/http/etag";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/v1/tiers",
    auth: "key",
    handler: async ({ req, db, principal }) => {
      const agent = agentOf(principal);
      const tiers = await cachedAgentTiers(db, agent.agentId);
      const etag = strongEtag(JSON.stringify(tiers));
      const headers = { etag, "cache-control": "no-cache" };
      if (matchesIfNoneMatch(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
      return json({ agent: agent.agentSlug, tiers, generatedAt: new Date().toISOString() }, { headers });
    },
  }),
});
