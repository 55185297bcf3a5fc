// The OpenAPI 3.1 document of the agent API, generated from the same zod schemas the routes use.
import { z } from "zod";
import {
  decisionRequestSchema,
  decisionResponseSchema,
  tierViewSchema,
  tiersResponseSchema,
} from "@/lib/action-types/schema";
import { ACTION_KEY, eventBatchSchema, MAX_BATCH, outcomeEventSchema } from "@/lib/events/schema";
import { ERROR_CODES } from "@/lib/errors";
import { ofrepRequestSchema, ofrepSuccessSchema } from "./ofrep";
import {
  consumeInputSchema,
  reporterDecisionSchema,
  MAX_WAIT_SECONDS,
  proposalCreatedSchema,
  proposalInputSchema,
  proposalViewSchema,
} from "@/lib/proposals/schema";

export const errorBodySchema = z
  .object({ error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: "Error" });

const eventResultSchema = z
  .object({
    index: z.number().int(),
    idempotencyKey: z.string().nullable(),
    status: z.enum(["accepted", "duplicate", "rejected"]),
    reason: z.string().optional().describe("a rejected event's reason code"),
    details: z.unknown().optional(),
    counted: z
      .boolean()
      .optional()
      .describe(
        "accepted events: whether it counts as evidence of the action type's current tier (stored either way; a failure may still count toward demotion)",
      ),
    notCounted: z
      .string()
      .optional()
      .describe(
        "accepted events that do not count: why, in words (another tier's label, before the stay or the current evidence began, not attested under an attested tier, …)",
      ),
  })
  .meta({ id: "EventResult" });

const eventBatchResponseSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    results: z.array(eventResultSchema),
  })
  .meta({ id: "EventBatchResponse" });

const ofrepFailureSchema = z
  .object({
    key: z.string().optional(),
    errorCode: z.string(),
    errorDetails: z.string().optional(),
    error: errorBodySchema.shape.error.optional(),
  })
  .meta({ id: "OfrepEvaluationFailure" });

const ofrepBulkSchema = z
  .object({
    flags: z.array(ofrepSuccessSchema),
    eventStreams: z
      .array(z.object({ type: z.string(), url: z.string(), inactivityDelaySec: z.number().int().optional() }))
      .optional()
      .describe("OFREP ADR-0008: an SSE stream a plain EventSource can open (the URL carries a short-lived token)"),
  })
  .meta({ id: "OfrepBulkEvaluationSuccess" });

// Registered once: every schema with a `meta({ id })` becomes a component, referenced by $ref.
const outcomeEventDoc = outcomeEventSchema().meta({ id: "OutcomeEvent" });
const DOCUMENTED = [
  errorBodySchema,
  tierViewSchema,
  tiersResponseSchema,
  decisionRequestSchema,
  decisionResponseSchema,
  outcomeEventDoc,
  eventBatchSchema,
  eventResultSchema,
  eventBatchResponseSchema,
  ofrepRequestSchema,
  ofrepSuccessSchema,
  ofrepFailureSchema,
  ofrepBulkSchema,
  proposalInputSchema,
  proposalCreatedSchema,
  proposalViewSchema,
  consumeInputSchema,
  reporterDecisionSchema,
];

function schemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const schema of DOCUMENTED) registry.add(schema, { id: String(z.globalRegistry.get(schema)?.id) });
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  });
  for (const s of Object.values(schemas)) {
    delete (s as Record<string, unknown>).$schema;
    delete (s as Record<string, unknown>).$id;
  }
  // The route takes `events` as unknown[] so that one bad event rejects only itself; what a client
  // should send is an OutcomeEvent each, at most MAX_BATCH of them (more is a 413).
  const events = (schemas.EventBatch as unknown as { properties: { events: Record<string, unknown> } }).properties
    .events;
  Object.assign(events, {
    items: ref("OutcomeEvent"),
    maxItems: MAX_BATCH,
    description: `1 to ${MAX_BATCH} outcome events; each is accepted, duplicate or rejected on its own`,
  });
  // Parameters are checked for what the database can hold before their bounds (a pipe from unknown).
  const proposal = schemas.ProposalInput as unknown as { properties: { parameters: Record<string, unknown> } };
  Object.assign(proposal.properties.parameters, {
    type: "object",
    description: "the action's parameters: a JSON object, at most 8 KiB and 8 levels deep",
  });
  const hashes = {
    type: "array",
    items: { type: "string", contentEncoding: "base64", description: "a SHA-256 hash" },
  };
  Object.assign(schemas, {
    AuditInclusionProof: {
      type: "object",
      required: ["index", "size", "proof"],
      properties: { index: { type: "integer" }, size: { type: "integer" }, proof: hashes },
    },
    AuditConsistencyProof: {
      type: "object",
      required: ["from", "to", "proof"],
      properties: { from: { type: "integer" }, to: { type: "integer" }, proof: hashes },
    },
  });
  return schemas;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (name: string) => ({ "application/json": { schema: ref(name) } });
const error = (description: string) => ({ description, content: jsonContent("Error") });
const ofrepError = (description: string) => ({ description, content: jsonContent("OfrepEvaluationFailure") });

const common = {
  "401": error("Missing, unknown or revoked API key"),
  "429": { ...error("Rate limited"), headers: { "Retry-After": { schema: { type: "integer" } } } },
  "503": {
    ...error("The database is unavailable (a restart, a failover): nothing was changed; retry after Retry-After"),
    headers: { "Retry-After": { schema: { type: "integer" } } },
  },
};
/** The agent's read routes: a reporter key (a system of record's) may only report outcomes. */
const REPORTER_REFUSED = "A reporter key: it may only report outcomes for its agent";
const reads = { ...common, "403": error(REPORTER_REFUSED) };
const withBody = {
  ...common,
  "400": error("Malformed JSON"),
  "413": error("Body over 1 MiB"),
  "415": error("Not application/json"),
  "422": error("Fields not valid (unknown fields are refused)"),
};
const actionKeyParam = (name: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string", pattern: ACTION_KEY.source },
});

export function openApiDocument(serverUrl = "/") {
  return {
    openapi: "3.1.0",
    info: {
      title: "Crawl · Walk · Run agent API",
      version: "1.0.0",
      description:
        "Agents fetch their tier per action type and report outcomes. Every error is `{error: {code, message, details}}`.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API key created by an admin (`cwr_…`)" },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "authjs.session-token",
          description: "A signed-in person's session (the audit routes: a role that may read the audit log)",
        },
        streamToken: {
          type: "apiKey",
          in: "query",
          name: "token",
          description: "The short-lived token of the stream URL the OFREP bulk answer's eventStreams give",
        },
      },
      schemas: schemas(),
    },
    paths: {
      "/api/v1/tiers": {
        get: {
          operationId: "listTiers",
          summary: "Every action type of the calling agent with its tier",
          parameters: [{ name: "If-None-Match", in: "header", required: false, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "Tiers",
              headers: { ETag: { schema: { type: "string" } } },
              content: jsonContent("TiersResponse"),
            },
            "304": { description: "Not modified" },
            ...reads,
          },
        },
      },
      "/api/v1/tiers/{actionKey}": {
        get: {
          operationId: "getTier",
          summary: "One action type's tier",
          parameters: [actionKeyParam("actionKey")],
          responses: {
            "200": { description: "Tier", content: jsonContent("TierView") },
            "400": error("Malformed percent-escape in the path"),
            "404": error("Unknown action type for this agent"),
            ...reads,
          },
        },
      },
      "/api/v1/tiers/stream": {
        get: {
          operationId: "streamTiers",
          summary:
            "Server-Sent Events: `snapshot`, then `tier_change` events (id = tier change id; send Last-Event-ID to resume), and a `proposal_decided` event `{id, status}` when a person or a reporter key decides one of the agent's proposals (then read it with GET /api/v1/proposals/{id})",
          parameters: [{ name: "Last-Event-ID", in: "header", required: false, schema: { type: "string" } }],
          responses: {
            "200": { description: "Event stream", content: { "text/event-stream": { schema: { type: "string" } } } },
            ...reads,
          },
        },
      },
      "/api/v1/decisions": {
        post: {
          operationId: "decide",
          summary:
            "May the agent act now? An unknown action is never allowed (CRAWL, suggest). While RUN's slider is below 100 %, `subject` decides: inside it RUN's answer, outside it (or without a subject: fail closed) WALK's. Where the agent has a contract of internal subjects (WALK's contract, managed by admins), `internal` holds only for a `subject` it matches: any other subject, or none, is answered as `external` would be, and the reason says so; without a contract the agent declares the audience. `tier` is always the action type's tier (what /tiers says); `answeredAs` is the tier whose rules answered, and `limitedBy` says which rule (slider or contract) answered below it and why.",
          requestBody: { required: true, content: jsonContent("DecisionRequest") },
          responses: {
            "200": { description: "Decision", content: jsonContent("DecisionResponse") },
            ...withBody,
            "403": error(REPORTER_REFUSED),
          },
        },
      },
      "/api/v1/events": {
        post: {
          operationId: "reportEvents",
          summary:
            "A batch of up to 1,000 outcome events; each accepted, duplicate or rejected on its own, and an accepted one says whether it counts as evidence (`counted`, `notCounted`)",
          description:
            "Each stored event records its source, taken from the key that sent it and never from the body: the agent's own key stores `agent`, a reporter key (held by the system that sees the outcome: a helpdesk, a payments ledger) stores `reporter:<key id>`. An event that names a `source` is rejected. A reporter key may report only for its own agent. Under a tier whose policy sets `evidence: attested`, only reporter and person outcomes count toward promotion; every failure counts toward demotion.",
          requestBody: { required: true, content: jsonContent("EventBatch") },
          responses: {
            "200": { description: "Per-event results", content: jsonContent("EventBatchResponse") },
            ...withBody,
            "413": error(`Body over 1 MiB, or more than ${MAX_BATCH} events`),
            "507": error("The database's disk is full: nothing was stored; retry once space is freed"),
          },
        },
      },
      "/api/v1/proposals": {
        post: {
          operationId: "propose",
          summary:
            "CRAWL: propose an action for a person to decide (accepted in any tier). The digest is SHA-256 of the RFC 8785 canonical JSON of {agent, action, audience, subject, parameters}; a retried idempotencyKey answers the same proposal (200), the key reused for another proposal is 409. An unknown action is 422.",
          requestBody: { required: true, content: jsonContent("ProposalInput") },
          responses: {
            "201": { description: "Stored, pending", content: jsonContent("ProposalCreated") },
            "200": {
              description: "The same idempotency key: the proposal stored before",
              content: jsonContent("ProposalCreated"),
            },
            "409": error("The idempotency key was used for another proposal"),
            ...withBody,
          },
        },
      },
      "/api/v1/proposals/{id}": {
        get: {
          operationId: "getProposal",
          summary: `The agent's own proposal with its decision and the accepted parameters; \`wait\` (0–${MAX_WAIT_SECONDS} s) holds the answer until it is decided`,
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
            {
              name: "wait",
              in: "query",
              required: false,
              schema: { type: "integer", minimum: 0, maximum: MAX_WAIT_SECONDS },
            },
          ],
          responses: {
            "200": { description: "The proposal", content: jsonContent("Proposal") },
            "400": error(`wait is not a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`),
            "404": error("No proposal of this agent has this id"),
            ...common,
          },
        },
      },
      "/api/v1/proposals/{id}/consume": {
        post: {
          operationId: "consumeProposal",
          summary:
            "Use the grant of an accepted (or edited) proposal: once, with the digest of exactly what the agent executes",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          requestBody: { required: true, content: jsonContent("ProposalConsume") },
          responses: {
            "200": { description: "Consumed: execute now", content: jsonContent("Proposal") },
            "404": error("No proposal of this agent has this id"),
            "409": error(
              "not_granted (pending or rejected), digest_mismatch (not the accepted parameters) or grant_used (a second consume)",
            ),
            "410": error("proposal_expired: the grant expired"),
            ...withBody,
          },
        },
      },
      "/api/v1/proposals/{id}/decision": {
        post: {
          operationId: "decideProposal",
          summary:
            "A system of record decides a proposal of its agent with a reporter key (the agent's own key is 403: no self-approval), naming its own user as decidedBy. Recorded once as a CRAWL outcome from reporter:<key id>; the same decision retried by the same key answers it again (200).",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          requestBody: { required: true, content: jsonContent("ProposalDecision") },
          responses: {
            "200": { description: "Decided", content: jsonContent("Proposal") },
            "403": error("Not a reporter key: an agent may not decide its own proposals"),
            "404": error("No proposal of this key's agent has this id"),
            "409": error("already_decided: another decision was recorded"),
            "410": error("proposal_expired: the proposal expired undecided"),
            ...withBody,
            "422": error(
              "Fields not valid (unknown fields are refused), or rationale_too_short: a rejection needs a reason in words",
            ),
          },
        },
      },
      "/api/v1/audit/checkpoint": {
        get: {
          operationId: "auditCheckpoint",
          summary:
            "The newest signed checkpoint of the audit log's RFC 6962 Merkle tree: a C2SP tlog-checkpoint signed note (`<origin>\\n<size>\\n<base64 root>\\n`, a blank line, `— <origin> <base64(key hash ‖ Ed25519 signature)>`). Leaf i is SHA-256(0x00 ‖ the 32 bytes of entry seq i+1's hash). Only up to the seal horizon while review requests are open. Go's golang.org/x/mod/sumdb/note opens it with the verifier key. Trusted witnesses' C2SP tlog-cosignature lines follow the log's signature. Public.",
          security: [],
          responses: {
            "200": { description: "The signed note", content: { "text/plain": { schema: { type: "string" } } } },
            "404": error("No checkpoint signed yet"),
          },
        },
      },
      "/api/v1/audit/verifier-key": {
        get: {
          operationId: "auditVerifierKey",
          summary:
            "The checkpoints' public key in the signed-note verifier-key format: `<origin>+<8 hex digits of key hash>+<base64(0x01 ‖ Ed25519 public key)>`",
          security: [],
          responses: {
            "200": { description: "The verifier key", content: { "text/plain": { schema: { type: "string" } } } },
          },
        },
      },
      "/api/v1/audit/proof/inclusion": {
        get: {
          operationId: "auditInclusionProof",
          summary:
            "RFC 9162 §2.1.3 inclusion proof of leaf `index` (the entry of seq index+1) in the tree of the first `size` entries, leaf to root (tlog.CheckRecord verifies it)",
          security: [{ session: [] }],
          parameters: [
            { name: "index", in: "query", required: true, schema: { type: "integer", minimum: 0 } },
            { name: "size", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
          ],
          responses: {
            "200": { description: "The proof", content: jsonContent("AuditInclusionProof") },
            "400": error("Not whole numbers, index ≥ size, or a size past the entries readers may see (details.max)"),
            "401": error("Not signed in"),
            "403": error("The role may not read the audit log"),
          },
        },
      },
      "/api/v1/audit/proof/consistency": {
        get: {
          operationId: "auditConsistencyProof",
          summary:
            "RFC 9162 §2.1.4 consistency proof that the tree of `from` entries is a prefix of the tree of `to` (tlog.CheckTree verifies it); empty when from = to. Public (witnesses check consistency before they cosign)",
          security: [],
          parameters: [
            { name: "from", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
            { name: "to", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
          ],
          responses: {
            "200": { description: "The proof", content: jsonContent("AuditConsistencyProof") },
            "400": error(
              "Not whole numbers, from < 1 or from > to, or a size past the entries readers may see (details.max)",
            ),
          },
        },
      },
      "/api/v1/audit/cosignatures": {
        post: {
          operationId: "auditCosign",
          summary:
            "A witness's C2SP tlog-cosignature/v1 of one of this log's checkpoints (`npm run audit:witness` posts it after checking consistency with the last checkpoint it cosigned). Kept only when it verifies, by a witness key an admin trusts, over a checkpoint this log signed. Public: the cosignature authenticates itself.",
          security: [],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  additionalProperties: false,
                  required: ["checkpoint", "cosignature"],
                  properties: {
                    checkpoint: { type: "string", description: "the checkpoint's signed note, or its body" },
                    cosignature: { type: "string", description: "one signature line: `— <witness name> <base64>`" },
                  },
                },
              },
            },
          },
          responses: {
            "200": {
              description: "The checkpoint's witness status",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      size: { type: ["string", "null"] },
                      witnessedBy: { type: "array", items: { type: "string" } },
                      trusted: { type: "integer" },
                      quorum: { type: "integer" },
                      met: { type: "boolean" },
                    },
                  },
                },
              },
            },
            "403": error("Not by a witness this log trusts"),
            "404": error("This log signed no checkpoint with this body"),
            ...withBody,
            "422": error("Not a checkpoint, not a cosignature line, or a cosignature that does not verify"),
          },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "openapi",
          summary: "This document",
          security: [],
          responses: {
            "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } },
          },
        },
      },
      "/ofrep/v1/evaluate/flags/{key}": {
        post: {
          operationId: "ofrepEvaluateFlag",
          summary:
            "OFREP single flag: value = tier; while RUN's slider is below 100 %, RUN for a context.targetingKey inside it and WALK otherwise (reason SPLIT); where the agent has a contract of internal subjects, WALK for a targetingKey outside it (or none) is CRAWL (it may only suggest), with metadata.contract and metadata.contractReason",
          parameters: [actionKeyParam("key")],
          requestBody: { required: true, content: jsonContent("OfrepEvaluationRequest") },
          responses: {
            "200": { description: "Evaluation", content: jsonContent("OfrepEvaluationSuccess") },
            "400": ofrepError(
              "Malformed request (PARSE_ERROR), a malformed percent-escape in the path, or a context that is not allowed (INVALID_CONTEXT: targetingKey not a string of 1–256 characters without control characters, deeper than 8 levels or over 8 KiB)",
            ),
            "404": ofrepError("FLAG_NOT_FOUND"),
            "413": ofrepError("Body over 1 MiB"),
            "415": ofrepError("Not application/json"),
            "422": ofrepError("Invalid context"),
            "401": ofrepError("Missing, unknown or revoked API key"),
            "403": ofrepError(REPORTER_REFUSED),
            "429": ofrepError("Rate limited"),
          },
        },
      },
      "/ofrep/v1/events": {
        get: {
          operationId: "ofrepEventStream",
          summary:
            'OFREP event stream (ADR-0008): `message` events `{type: "refetchEvaluation", etag}` on connect and on every tier change of the agent',
          security: [{ streamToken: [] }],
          parameters: [{ name: "token", in: "query", required: true, schema: { type: "string" } }],
          responses: {
            "200": { description: "Event stream", content: { "text/event-stream": { schema: { type: "string" } } } },
            "401": error("Missing, invalid or expired token, or its key revoked"),
          },
        },
      },
      "/ofrep/v1/evaluate/flags": {
        post: {
          operationId: "ofrepEvaluateFlags",
          summary: "OFREP bulk evaluation (strong ETag, If-None-Match → 304)",
          parameters: [
            { name: "If-None-Match", in: "header", required: false, schema: { type: "string" } },
            {
              name: "flagConfigEtag",
              in: "query",
              required: false,
              schema: { type: "string" },
              description:
                "OFREP ADR-0008: the etag of the refetchEvaluation notice that triggered this re-fetch (from any instance). Unless this instance holds exactly that configuration, it reads the tiers again from the database, so the answer is never older than the announced one.",
            },
          ],
          requestBody: { required: true, content: jsonContent("OfrepEvaluationRequest") },
          responses: {
            "200": {
              description: "All flags",
              headers: { ETag: { schema: { type: "string" } } },
              content: jsonContent("OfrepBulkEvaluationSuccess"),
            },
            "304": { description: "Not modified" },
            "400": ofrepError("Malformed request (PARSE_ERROR) or a context that is not allowed (INVALID_CONTEXT)"),
            "413": ofrepError("Body over 1 MiB"),
            "415": ofrepError("Not application/json"),
            "422": ofrepError("Invalid context"),
            "401": ofrepError("Missing, unknown or revoked API key"),
            "403": ofrepError(REPORTER_REFUSED),
            "429": ofrepError("Rate limited"),
          },
        },
      },
    },
  };
}
