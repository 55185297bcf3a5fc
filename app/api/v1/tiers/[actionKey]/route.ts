import { cachedAgentTier } from "@/lib/action-types/tier-cache";
import { actionKeyParamsSchema } from "@/lib/action-types/schema";
import { AppError } from "@/lib/http/errors";
import { methods, route } from "@/lib/http/route";
import { agentOf } from "@/lib/http/principal";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/v1/tiers/{actionKey}",
    auth: "key",
    params: actionKeyParamsSchema,
    handler: async ({ db, principal, params }) => {
      const tier = await cachedAgentTier(db, agentOf(principal).agentId, params.actionKey);
      if (!tier) throw new AppError("not_found", `This agent has no action type "${params.actionKey}".`);
      return tier;
    },
  }),
});
