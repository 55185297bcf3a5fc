import { z } from "zod";
import { methods, route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { agentBySlug } from "@/lib/agents/data";
import { agentSlugParamsSchema } from "@/lib/agents/schema";
import { createApiKey } from "@/lib/keys/mutations";
import { userActor } from "@/lib/auth/actor";
import { KEY_SCOPES } from "@cwr/gating/evidence-source";

export const dynamic = "force-dynamic";

/** Admin: create an API key for an agent (shown once). The dashboard's Admin page does the same. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /api/admin/agents/{slug}/keys",
    auth: "session",
    permission: "admin:manage",
    params: agentSlugParamsSchema,
    body: z.strictObject({ name: z.string().trim().min(1).max(100), scope: z.enum(KEY_SCOPES).optional() }),
    handler: async ({ db, user, params, body }) => {
      const agent = await agentBySlug(db, params.slug);
      if (!agent) throw new AppError("not_found", `No agent "${params.slug}".`);
      const key = await createApiKey(db, userActor(user), {
        agentId: agent.id,
        name: body.name,
        scope: body.scope,
      });
      return {
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        scope: key.scope,
        agent: key.agentSlug,
        secret: key.secret,
        createdAt: key.createdAt.toISOString(),
      };
    },
  }),
});
