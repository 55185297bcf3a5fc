import { methods, route } from "@/lib/http/route";
import { notFound } from "@/lib/errors";
import { awaitProposal } from "@/lib/proposals/data";
import { proposalIdSchema, waitQuerySchema } from "@/lib/proposals/schema";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/v1/proposals/{id}",
    auth: "key",
    params: proposalIdSchema,
    query: waitQuerySchema,
    handler: async ({ db, agent, params, query, req }) => {
      const proposal = await awaitProposal(db, agent.agentId, params.id, (query.wait ?? 0) * 1000, req.signal);
      if (!proposal) throw notFound("Proposal");
      return proposal;
    },
  }),
});
