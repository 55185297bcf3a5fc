import { z } from "zod";
import { BLAST_RADII } from "@cwr/gating/types";
import { ACTION_KEY } from "@/lib/events/schema";
import { description, oneOf, pickedId, requiredText } from "@/lib/forms/fields";

/** An agent's slug, the path segment of its routes and its label in the audit log. */
export const AGENT_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const agentSlugSchema = z
  .string({ error: "required" })
  .regex(
    AGENT_SLUG,
    "use lowercase letters, digits and dashes, starting with a letter or digit, at most 63 characters (e.g. support-bot)",
  );

/** `{slug}` in a route's path. A bad one is a 404 whose details carry zod's own message (the pattern). */
export const agentSlugParamsSchema = z.strictObject({ slug: z.string().regex(AGENT_SLUG) });

export const agentInputSchema = z.strictObject({
  slug: agentSlugSchema,
  name: requiredText(120),
  owner: requiredText(120),
  description,
});
export type AgentInput = z.input<typeof agentInputSchema>;

export const actionTypeInputSchema = z.strictObject({
  agentId: pickedId("an agent"),
  key: z
    .string({ error: "required" })
    .regex(
      ACTION_KEY,
      "use lowercase letters, digits, dots, dashes and underscores, starting with a letter or digit, at most 128 characters (e.g. refund.issue)",
    ),
  name: requiredText(120),
  description,
  blastRadius: oneOf(BLAST_RADII),
  reversible: z.boolean({ error: "yes or no" }),
});
export type ActionTypeInput = z.input<typeof actionTypeInputSchema>;
