import { methods, route } from "@/lib/http/route";
import { decideByReporter } from "@/lib/proposals/mutations";
import { proposalIdSchema, reporterDecisionSchema } from "@/lib/proposals/schema";

export const dynamic = "force-dynamic";

// A system of record (a reporter key of the proposal's agent) decides, naming its own user.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /api/v1/proposals/{id}/decision",
    auth: "key",
    keyUse: "decide",
    params: proposalIdSchema,
    body: reporterDecisionSchema,
    handler: async ({ db, agent, params, body }) => decideByReporter(db, agent, params.id, body),
  }),
});
