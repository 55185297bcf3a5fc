import { cachedAgentTier } from "@/lib/action-types/tier-cache";
import { decisionRequestSchema } from "@/lib/action-types/schema";
import { decide } from "@/lib/gating";
import { methods, route } from "@/lib/http/route";
import { agentOf } from "@/lib/http/principal";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /api/v1/decisions",
    auth: "key",
    body: decisionRequestSchema,
    handler: async ({ db, principal, body }) => {
      // An unknown action type is never allowed to act: decide(null) answers CRAWL / suggest.
      const tier = await cachedAgentTier(db, agentOf(principal).agentId, body.action);
      return decide(tier?.tier ?? null, tier?.frozen ?? false, body.audience);
    },
  }),
});
