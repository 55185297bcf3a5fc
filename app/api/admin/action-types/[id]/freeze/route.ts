import { z } from "zod";
import { methods, route } from "@/lib/http/route";
import { setFrozen } from "@/lib/action-types/mutations";
import { freezeBodySchema } from "@/lib/action-types/schema";

export const dynamic = "force-dynamic";

/**
 * Reviewer or admin: freeze or unfreeze an action type, with a written rationale (SPEC §3 rule 7) —
 * the same mutation as the dashboard's button. Each is a tier change, fanned out to every stream.
 */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /api/admin/action-types/{id}/freeze",
    auth: "session",
    permission: "tier:demote",
    params: z.strictObject({ id: z.uuid() }),
    // stateVersion: the state this was decided on (SPEC §3 rule 11); a moved state answers 409.
    body: freezeBodySchema,
    handler: async ({ db, user, params, body }) => {
      const change = await setFrozen(db, user, {
        actionTypeId: params.id,
        frozen: body.frozen,
        rationale: body.rationale,
        expected: { frozen: !body.frozen, stateVersion: body.stateVersion },
      });
      return {
        tierChangeId: change.changeId,
        tier: change.to,
        frozen: change.frozen,
        stateVersion: change.stateVersion,
      };
    },
  }),
});
