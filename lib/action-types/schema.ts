// Wire schemas of the agent API about tiers: the one source for routes, OpenAPI and the SDK.
import { z } from "zod";
import { AUDIENCES, TIERS } from "@/lib/gating/types";
import { actionKeySchema } from "@/lib/events/schema";

export const MODES = ["suggest", "act_internal", "act_external"] as const;

export const tierViewSchema = z
  .object({
    action: z.string().describe("action key, e.g. refund.issue"),
    name: z.string(),
    tier: z.enum(TIERS),
    mode: z.enum(MODES).describe("suggest (CRAWL), act_internal (WALK), act_external (RUN)"),
    frozen: z.boolean(),
    tierSince: z.string().describe("ISO 8601"),
    policyVersion: z.number().int(),
  })
  .meta({ id: "TierView" });

export const tiersResponseSchema = z
  .object({ agent: z.string(), tiers: z.array(tierViewSchema), generatedAt: z.string() })
  .meta({ id: "TiersResponse" });

export const actionKeyParamsSchema = z.strictObject({ actionKey: actionKeySchema });

export const decisionRequestSchema = z
  .strictObject({
    action: actionKeySchema,
    audience: z.enum(AUDIENCES),
  })
  .meta({ id: "DecisionRequest" });

export const decisionResponseSchema = z
  .object({
    allowed: z.boolean(),
    mode: z.enum(MODES),
    tier: z.enum(TIERS),
    reason: z.string(),
  })
  .meta({ id: "DecisionResponse" });

export type TierView = z.infer<typeof tierViewSchema>;
