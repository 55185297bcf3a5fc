import { z } from "zod";
import { BLAST_RADII } from "@/lib/gating/types";
import { actionKeySchema } from "@/lib/events/schema";

export const agentInputSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes, at most 63"),
  name: z.string().trim().min(1).max(120),
  owner: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(""),
});

export const actionTypeInputSchema = z.strictObject({
  agentId: z.uuid(),
  key: actionKeySchema,
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(""),
  blastRadius: z.enum(BLAST_RADII),
  reversible: z.boolean(),
});
