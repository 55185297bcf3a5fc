"use server";
// The admin console's server actions (components/admin/* call them; here, not in app/, so components
// import no app/ code): session → admin:manage → zod (with messages people can act on) → the audited
// mutation. The mutations re-validate with their own schemas; these only add clearer messages.
import { z } from "zod";
import { defineAction } from "@/lib/http/action";
import { userActor } from "@/lib/auth/actor";
import { ROLES } from "@/lib/gating/permissions";
import { BLAST_RADII } from "@/lib/gating/types";
import { createActionType, createAgent } from "@/lib/agents/mutations";
import { createApiKey, revokeApiKey } from "@/lib/keys/mutations";
import { changeRole, createUser, setUserDisabled } from "@/lib/users/mutations";
import { createWebhookEndpoint, replayDeliveries, setWebhookEndpointEnabled } from "@/lib/notifications/mutations";
import { endpointInputSchema } from "@/lib/notifications/schema";

// Messages follow the field name in the result ("name: required"), so they do not repeat it.
const text = (max: number) =>
  z.string({ error: "required" }).trim().min(1, "required").max(max, `at most ${max} characters`);
const description = z.string().trim().max(2000, "at most 2000 characters").default("");
const id = (what: string) => z.uuid({ error: `pick ${what}` });
const role = z.enum(ROLES, { error: `one of ${ROLES.join(", ")}` });

export const createAgentAction = defineAction({
  name: "admin.createAgent",
  permission: "admin:manage",
  input: z.strictObject({
    slug: z
      .string({ error: "required" })
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        "use lowercase letters, digits and dashes, starting with a letter or digit, at most 63 characters (e.g. support-bot)",
      ),
    name: text(120),
    owner: text(120),
    description,
  }),
  run: async ({ db, user, input }) => {
    const agent = await createAgent(db, userActor(user), input);
    return { id: agent.id, slug: agent.slug };
  },
});

export const createActionTypeAction = defineAction({
  name: "admin.createActionType",
  permission: "admin:manage",
  input: z.strictObject({
    agentId: id("an agent"),
    key: z
      .string({ error: "required" })
      .regex(
        /^[a-z0-9][a-z0-9._-]{0,127}$/,
        "use lowercase letters, digits, dots, dashes and underscores, starting with a letter or digit, at most 128 characters (e.g. refund.issue)",
      ),
    name: text(120),
    description,
    blastRadius: z.enum(BLAST_RADII, { error: `one of ${BLAST_RADII.join(", ")}` }),
    reversible: z.boolean({ error: "yes or no" }),
  }),
  run: async ({ db, user, input }) => {
    const actionType = await createActionType(db, userActor(user), input);
    return { id: actionType.id, key: actionType.key, tier: actionType.tier };
  },
});

export const createApiKeyAction = defineAction({
  name: "admin.createApiKey",
  permission: "admin:manage",
  input: z.strictObject({ agentId: id("an agent"), name: text(100) }),
  // The secret leaves the server only in this answer; it is stored as a hash and never read back.
  run: async ({ db, user, input }) => {
    const key = await createApiKey(db, userActor(user), input);
    return { id: key.id, name: key.name, prefix: key.prefix, agentSlug: key.agentSlug, secret: key.secret };
  },
});

export const revokeApiKeyAction = defineAction({
  name: "admin.revokeApiKey",
  permission: "admin:manage",
  input: z.strictObject({ keyId: id("a key") }),
  run: ({ db, user, input }) => revokeApiKey(db, userActor(user), input),
});

export const createUserAction = defineAction({
  name: "admin.createUser",
  permission: "admin:manage",
  input: z.strictObject({
    email: z
      .string({ error: "required" })
      .trim()
      .toLowerCase()
      .max(200, "at most 200 characters")
      .pipe(z.email("not a valid email address")),
    name: text(120),
    role,
    password: z
      .string()
      .min(12, "at least 12 characters (or leave it empty for single sign-on only)")
      .max(200, "at most 200 characters")
      .optional(),
  }),
  run: async ({ db, user, input }) => {
    const created = await createUser(db, userActor(user), input);
    // Review power asked for a new account waits for a second person (rule 10): pendingRole says so.
    return {
      id: created.id,
      email: created.email,
      role: created.role,
      pendingRole: created.pendingRole,
      grantId: created.grantId,
    };
  },
});

export const changeRoleAction = defineAction({
  name: "admin.changeRole",
  permission: "admin:manage",
  input: z.strictObject({ userId: id("a user"), role }),
  run: ({ db, user, input }) => changeRole(db, userActor(user), input),
});

export const setUserDisabledAction = defineAction({
  name: "admin.setUserDisabled",
  permission: "admin:manage",
  input: z.strictObject({ userId: id("a user"), disabled: z.boolean({ error: "true or false" }) }),
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
  input: z.strictObject({ endpointId: id("an endpoint"), enabled: z.boolean({ error: "true or false" }) }),
  run: ({ db, user, input }) => setWebhookEndpointEnabled(db, userActor(user), input),
});

export const replayDeliveriesAction = defineAction({
  name: "admin.replayDeliveries",
  permission: "admin:manage",
  input: z.strictObject({ endpointId: id("an endpoint"), deliveryId: id("a delivery").optional() }),
  run: ({ db, user, input }) => replayDeliveries(db, userActor(user), input),
});
