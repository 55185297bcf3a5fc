// The wire shapes of proposals (SPEC §8): one rule for the route, the SDK's types and OpenAPI.
import { z } from "zod";
import { AUDIENCES } from "@cwr/gating/types";
import { PROPOSAL_STATUSES } from "@cwr/gating/proposals";
import { actionKeySchema, metadataSchema, referenceSchema } from "@/lib/events/schema";
import { findUnstorable } from "@/lib/events/storable";

/** How long GET /proposals/{id}?wait=N may hold the request, in seconds. */
export const MAX_WAIT_SECONDS = 30;

/** JSON the database can hold (no NUL, no lone surrogate, not absurdly deep), then bounded like metadata. */
export const parametersSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const problem = findUnstorable(value, "parameters");
    if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: [] });
  })
  .pipe(metadataSchema.meta({ description: "a JSON object, at most 8 KiB and 8 levels deep" }));

export const proposalInputSchema = z
  .strictObject({
    /** a retry with the same key answers the same proposal */
    idempotencyKey: referenceSchema(128),
    action: actionKeySchema,
    audience: z.enum(AUDIENCES),
    subject: referenceSchema(256),
    /** one line a person reads in the queue */
    summary: referenceSchema(280),
    parameters: parametersSchema,
  })
  .meta({ id: "ProposalInput" });

export type ProposalInput = z.output<typeof proposalInputSchema>;

/** A person's decision: accept, accept with edited parameters, or reject with a reason in words. */
export const decisionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("accept") }),
  z.strictObject({ type: z.literal("edit"), parameters: parametersSchema }),
  z.strictObject({ type: z.literal("reject"), reason: z.string().max(2000) }),
]);
export type SuggestionDecision = z.output<typeof decisionSchema>;

/** The queue's server action: which proposal, and the person's decision. */
export const queueDecisionSchema = z.strictObject({ id: z.uuid(), decision: decisionSchema });

/** A system of record's decision through a reporter key, naming its own user (`decidedBy`). */
const decidedBy = referenceSchema(128).describe("the deciding person's user id in the system of record");
export const reporterDecisionSchema = z
  .discriminatedUnion("decision", [
    z.strictObject({ decision: z.literal("accept"), decidedBy }),
    z.strictObject({ decision: z.literal("edit"), parameters: parametersSchema, decidedBy }),
    z.strictObject({ decision: z.literal("reject"), reason: z.string().max(2000), decidedBy }),
  ])
  .meta({ id: "ProposalDecision" });
export type ReporterDecisionInput = z.output<typeof reporterDecisionSchema>;

export const consumeInputSchema = z
  .strictObject({ digest: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 digest in lowercase hex") })
  .meta({ id: "ProposalConsume" });

export const proposalIdSchema = z.strictObject({ id: z.uuid() });

export const waitQuerySchema = z.strictObject({
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).optional(),
});

export const proposalViewSchema = z
  .object({
    id: z.uuid(),
    agent: z.string(),
    action: z.string(),
    audience: z.enum(AUDIENCES),
    subject: z.string(),
    summary: z.string(),
    parameters: z.record(z.string(), z.unknown()),
    digest: z.string(),
    status: z.enum(PROPOSAL_STATUSES),
    createdAt: z.string(),
    expiresAt: z.string(),
    decision: z
      .object({
        status: z.enum(["accepted", "edited", "rejected"]),
        decidedAt: z.string(),
        decidedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
        reason: z.string().nullable(),
        /** what the grant allows to execute (null after a reject) */
        parameters: z.record(z.string(), z.unknown()).nullable(),
        digest: z.string().nullable(),
      })
      .nullable(),
    consumedAt: z.string().nullable(),
  })
  .meta({ id: "Proposal" });

export type ProposalView = z.output<typeof proposalViewSchema>;

export const proposalCreatedSchema = proposalViewSchema
  .pick({ id: true, digest: true, status: true, expiresAt: true })
  .meta({ id: "ProposalCreated" });
