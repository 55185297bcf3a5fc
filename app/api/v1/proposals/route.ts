import { json, methods, route } from "@/lib/http/route";
import { createProposal } from "@/lib/proposals/mutations";
import { proposalInputSchema } from "@/lib/proposals/schema";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /api/v1/proposals",
    auth: "key",
    body: proposalInputSchema,
    handler: async ({ db, agent, body }) => {
      const { proposal, created } = await createProposal(db, { id: agent.agentId, slug: agent.agentSlug }, body);
      const { id, digest, status, expiresAt } = proposal;
      return json({ id, digest, status, expiresAt }, { status: created ? 201 : 200 });
    },
  }),
});
