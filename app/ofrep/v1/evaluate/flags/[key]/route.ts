import { cachedAgentTier } from "@/lib/action-types/tier-cache";
import { AppError } from "@/lib/http/errors";
import { methods, route } from "@/lib/http/route";
import { agentOf } from "@/lib/http/principal";
import { ofrepEvaluation, ofrepKeyParamsSchema, ofrepRequestSchema, renderOfrepError } from "@/lib/http/ofrep";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /ofrep/v1/evaluate/flags/{key}",
    auth: "key",
    params: ofrepKeyParamsSchema,
    body: ofrepRequestSchema,
    renderError: renderOfrepError,
    handler: async ({ db, principal, params }) => {
      const view = await cachedAgentTier(db, agentOf(principal).agentId, params.key);
      if (!view) throw new AppError("not_found", `Flag "${params.key}" is not an action type of this agent.`);
      return ofrepEvaluation(view);
    },
  }),
});
