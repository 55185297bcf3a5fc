"use server";
// The admin console's server actions (components/admin/* call them; here, not in app/, so components
// import no app/ code): session → admin:manage → zod (with messages people can act on) → the audited
// mutation. The input schemas are the mutations' own (lib/<feature>/schema.ts): one rule, one wording.
import { KEY_SCOPES } from "@cwr/gating/evidence-source";
import { z } from "zod";
import { defineAction } from "@/lib/http/action";
import { userActor } from "@/lib/auth/actor";
import { createActionType, createAgent } from "@/lib/agents/mutations";
import { actionTypeInputSchema, agentInputSchema } from "@/lib/agents/schema";
import { createApiKey, revokeApiKey } from "@/lib/keys/mutations";
import { changeRole, createUser, setUserDisabled } from "@/lib/users/mutations";
import { invitationPath } from "@/lib/users/invitations";
import { disableUserSchema, roleChangeSchema, userInputSchema } from "@/lib/users/schema";
import { createWebhookEndpoint, replayDeliveries, setWebhookEndpointEnabled } from "@/lib/notifications/mutations";
import { endpointInputSchema } from "@/lib/notifications/schema";
import { addWitness, removeWitness, setWitnessQuorum } from "@/lib/witnesses/mutations";
import { witnessAddSchema, witnessQuorumSchema } from "@/lib/witnesses/schema";
import { pickedId, requiredText } from "@/lib/forms/fields";
import { setRetention } from "@/lib/retention/mutations";
import { retentionInputSchema } from "@/lib/retention/schema";

export const createAgentAction = defineAction({
  name: "admin.createAgent",
  permission: "admin:manage",
  input: agentInputSchema,
  run: async ({ db, user, input }) => {
    const agent = await createAgent(db, userActor(user), input);
    return { id: agent.id, slug: agent.slug };
  },
});

export const createActionTypeAction = defineAction({
  name: "admin.createActionType",
  permission: "admin:manage",
  input: actionTypeInputSchema,
  run: async ({ db, user, input }) => {
    const actionType = await createActionType(db, userActor(user), input);
    return { id: actionType.id, key: actionType.key, tier: actionType.tier };
  },
});

export const createApiKeyAction = defineAction({
  name: "admin.createApiKey",
  permission: "admin:manage",
  input: z.strictObject({
    agentId: pickedId("an agent"),
    name: requiredText(100),
    /** agent (default): the agent's own key; reporter: a system of record reporting its outcomes */
    scope: z.enum(KEY_SCOPES).optional(),
  }),
  // The secret leaves the server only in this answer; it is stored as a hash and never read back.
  run: async ({ db, user, input }) => {
    const key = await createApiKey(db, userActor(user), input);
    return {
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      scope: key.scope,
      agentSlug: key.agentSlug,
      secret: key.secret,
    };
  },
});

export const revokeApiKeyAction = defineAction({
  name: "admin.revokeApiKey",
  permission: "admin:manage",
  input: z.strictObject({ keyId: pickedId("a key") }),
  run: ({ db, user, input }) => revokeApiKey(db, userActor(user), input),
});

export const createUserAction = defineAction({
  name: "admin.createUser",
  permission: "admin:manage",
  input: userInputSchema,
  run: async ({ db, user, input }) => {
    const created = await createUser(db, userActor(user), input);
    // Review power asked for a new account waits for a second person (rule 10): pendingRole says so.
    // The invitation link leaves the server here only; the invitee sets their own password with it.
    return {
      id: created.id,
      email: created.email,
      role: created.role,
      pendingRole: created.pendingRole,
      grantId: created.grantId,
      invitationUrl: created.invitation ? invitationPath(created.invitation.token) : null,
      invitationExpiresAt: created.invitation?.expiresAt ?? null,
    };
  },
});

export const changeRoleAction = defineAction({
  name: "admin.changeRole",
  permission: "admin:manage",
  // The form changes the role only; a reason is for the other callers of changeRole.
  input: roleChangeSchema.omit({ reason: true }),
  run: ({ db, user, input }) => changeRole(db, userActor(user), input),
});

export const setUserDisabledAction = defineAction({
  name: "admin.setUserDisabled",
  permission: "admin:manage",
  input: disableUserSchema,
  run: ({ db, user, input }) => setUserDisabled(db, userActor(user), input),
});

export const createWebhookEndpointAction = defineAction({
  name: "admin.createWebhookEndpoint",
  permission: "admin:manage",
  input: endpointInputSchema,
  // The signing secret leaves the server only in this answer.
  run: ({ db, user, input }) => createWebhookEndpoint(db, userActor(user), input),
});

export const setWebhookEndpointEnabledAction = defineAction({
  name: "admin.setWebhookEndpointEnabled",
  permission: "admin:manage",
  input: z.strictObject({ endpointId: pickedId("an endpoint"), enabled: z.boolean({ error: "true or false" }) }),
  run: ({ db, user, input }) => setWebhookEndpointEnabled(db, userActor(user), input),
});

export const replayDeliveriesAction = defineAction({
  name: "admin.replayDeliveries",
  permission: "admin:manage",
  input: z.strictObject({ endpointId: pickedId("an endpoint"), deliveryId: pickedId("a delivery").optional() }),
  run: ({ db, user, input }) => replayDeliveries(db, userActor(user), input),
});

export const addWitnessAction = defineAction({
  name: "admin.addWitness",
  permission: "admin:manage",
  input: witnessAddSchema,
  run: ({ db, user, input }) => addWitness(db, userActor(user), input),
});

export const removeWitnessAction = defineAction({
  name: "admin.removeWitness",
  permission: "admin:manage",
  input: z.strictObject({ witnessId: pickedId("a witness") }),
  run: ({ db, user, input }) => removeWitness(db, userActor(user), input.witnessId),
});

export const setWitnessQuorumAction = defineAction({
  name: "admin.setWitnessQuorum",
  permission: "admin:manage",
  input: witnessQuorumSchema,
  run: ({ db, user, input }) => setWitnessQuorum(db, userActor(user), input),
});

/** How long outcome events are kept (months; null keeps everything): older months are archived, then removed. */
export const setRetentionAction = defineAction({
  name: "admin.setRetention",
  permission: "admin:manage",
  input: retentionInputSchema,
  run: ({ db, user, input }) => setRetention(db, user, input),
});
