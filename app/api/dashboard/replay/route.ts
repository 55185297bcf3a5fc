import { methods, route } from "@/lib/http/route";
import { replayInputSchema } from "@/lib/policies/schema";
import { replayProposal } from "@/lib/replay/compare";

export const dynamic = "force-dynamic";

// The what-if replay of a proposed policy against the current one (the same as the editor's action):
// folded in the replay worker, one at a time per instance (429 with Retry-After otherwise).
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /api/dashboard/replay",
    auth: "session",
    permission: "policy:edit",
    body: replayInputSchema,
    handler: async ({ db, body }) => replayProposal(db, body),
  }),
});
