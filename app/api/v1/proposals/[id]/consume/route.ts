import { methods, route } from "@/lib/http/route";
import { consumeProposal } from "@/lib/proposals/mutations";
import { consumeInputSchema, proposalIdSchema } from "@/lib/proposals/schema";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /api/v1/proposals/{id}/consume",
    auth: "key",
    params: proposalIdSchema,
    body: consumeInputSchema,
    handler: async ({ db, agent, params, body }) =>
      consumeProposal(db, { id: agent.agentId, slug: agent.agentSlug }, params.id, body.digest),
  }),
});
