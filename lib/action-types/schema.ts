// Wire schemas of the agent API about tiers: the one source for routes, OpenAPI and the SDK.
import { z } from "zod";
import { AUDIENCES, MODES, TIERS } from "@cwr/gating/types";
import { actionKeySchema, referenceSchema } from "@/lib/events/schema";
import { rationaleText } from "@/lib/forms/fields";

export const tierViewSchema = z
  .object({
    action: z.string().describe("action key, e.g. refund.issue"),
    name: z.string(),
    tier: z.enum(TIERS),
    mode: z.enum(MODES).describe("suggest (CRAWL), act_internal (WALK), act_external (RUN)"),
    frozen: z.boolean(),
    tierSince: z.string().describe("ISO 8601"),
    policyVersion: z.number().int(),
    slider: z
      .object({
        percent: z.number().min(0).max(100).describe("percentage of external subjects on which RUN acts"),
        salt: z
          .string()
          .describe(
            "this action type's hash salt: bucket = cyrb53(salt + NUL + subject) mod 10000; inside when bucket < percent·100",
          ),
      })
      .optional()
      .describe("present while RUN's slider is below 100 %: subjects outside it get WALK's answer"),
    contract: z
      .object({
        entries: z
          .array(z.string())
          .describe("exact ids, prefixes ending in * (staff:*) and e-mail domains (*@acme.example, case-insensitive)"),
      })
      .optional()
      .describe(
        "WALK's contract, present when the agent has one: an internal audience holds only for a subject it matches; any other subject, or none, is answered as external",
      ),
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
    subject: referenceSchema(256)
      .optional()
      .describe(
        "the subject acted on (e.g. a customer id): RUN's slider decides on it, and so does the agent's contract of internal subjects; without one RUN answers as WALK while the slider is below 100 %, and internal answers as external when the agent has a contract",
      ),
  })
  .meta({ id: "DecisionRequest" });

export const decisionResponseSchema = z
  .object({
    allowed: z.boolean(),
    mode: z.enum(MODES).describe("what this decision lets the agent do: the mode of the tier in `answeredAs`"),
    tier: z.enum(TIERS).describe("the action type's tier, as GET /api/v1/tiers says it (CRAWL for an unknown action)"),
    answeredAs: z
      .enum(TIERS)
      .describe(
        "the tier whose rules answered this decision: WALK for a RUN action outside its slider (or without a subject while the slider is below 100 %); otherwise `tier`",
      ),
    limitedBy: z
      .object({
        rule: z.enum(["slider", "contract"]),
        reason: z.string(),
      })
      .nullable()
      .describe(
        "why this particular decision was answered below the action type's tier or audience: RUN's slider, or WALK's contract of internal subjects; null when nothing limited it",
      ),
    reason: z.string().describe("the whole answer in words"),
  })
  .meta({ id: "DecisionResponse" });

export type TierView = z.infer<typeof tierViewSchema>;

// Demote and freeze name the state they were decided on (SPEC §3 rule 11): the tier shown and its stateVersion.
const rationale = rationaleText(2000);

/** Freeze or unfreeze, as the admin route's body carries it. */
export const freezeBodySchema = z.strictObject({ frozen: z.boolean(), stateVersion: z.int().min(0), rationale });

const decidedOnVersion = z.int({ error: "the state this was decided on (stateVersion) is required" }).min(0);

/** The dashboard's freeze form: the route's body for one action type, with a message for a missing stateVersion. */
export const freezeInputSchema = z.strictObject({
  actionTypeId: z.uuid(),
  ...freezeBodySchema.shape,
  stateVersion: decidedOnVersion,
});
export type FreezeInput = z.input<typeof freezeInputSchema>;

export const demoteInputSchema = z.strictObject({
  actionTypeId: z.uuid(),
  fromTier: z.enum(TIERS),
  stateVersion: decidedOnVersion,
  toTier: z.enum(TIERS).optional(),
  rationale,
});
export type DemoteInput = z.input<typeof demoteInputSchema>;

// The overview's filters, sort and page, as the URL and the dashboard route carry them.
export const OVERVIEW_SORTS = ["agent", "tier", "time", "health"] as const;
export const OVERVIEW_STATUSES = ["all", "eligible", "requests", "frozen", "demoted"] as const;
export const overviewQuerySchema = z.object({
  q: z.string().max(200).optional(),
  agent: z.string().max(128).optional(),
  tier: z.enum(TIERS).optional(),
  status: z.enum(OVERVIEW_STATUSES).default("all"),
  sort: z.enum(OVERVIEW_SORTS).default("agent"),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});
export type OverviewQuery = z.output<typeof overviewQuerySchema>;

/** A URL's search parameters as an overview query; anything unreadable falls back to its default. */
export function overviewQueryOf(params: Record<string, string | string[] | undefined>): OverviewQuery {
  const one = (k: string) => (Array.isArray(params[k]) ? params[k][0] : params[k]) || undefined;
  const out: Record<string, unknown> = {};
  for (const k of ["q", "agent", "tier", "status", "sort", "page"]) {
    const v = one(k);
    if (v !== undefined && overviewQuerySchema.shape[k as keyof typeof overviewQuerySchema.shape].safeParse(v).success)
      out[k] = v;
  }
  return overviewQuerySchema.parse(out);
}

export interface OverviewPage<Row = import("./data").OverviewRow> {
  rows: Row[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}
