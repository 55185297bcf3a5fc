import { agentWithActionTypes } from "@/lib/agents/admin-data";
import { agentSlugParamsSchema } from "@/lib/agents/schema";
import { methods, route } from "@/lib/http/route";
import { notFound } from "@/lib/errors";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/admin/agents/{slug}",
    auth: "session",
    permission: "admin:manage",
    params: agentSlugParamsSchema,
    handler: async ({ db, params }) => {
      const agent = await agentWithActionTypes(db, params.slug);
      if (!agent) throw notFound(`Agent "${params.slug}"`);
      return { agent };
    },
  }),
});
