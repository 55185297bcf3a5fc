// OpenFeature Remote Evaluation Protocol: the flag key is the action key, the value the tier.
import { z } from "zod";
import type { TierView } from "@/lib/action-types/schema";
import { actionKeySchema, referenceSchema } from "@/lib/events/schema";
import { AppError } from "@/lib/errors";
import { httpStatus } from "./errors";
import { modeOf } from "@cwr/gating/outcomes";
import { tierForSubject } from "@cwr/gating/slider";
import { insideContract, tierWithContract } from "@cwr/gating/contract";
import { TIERS } from "@cwr/gating/types";
import { isReference } from "./hot-bodies";

export const ofrepRequestSchema = z
  .strictObject({ context: z.record(z.string().max(256), z.unknown()).optional() })
  .meta({ id: "OfrepEvaluationRequest" });
export const ofrepKeyParamsSchema = z.strictObject({ key: actionKeySchema });

export const ofrepSuccessSchema = z
  .object({
    key: z.string(),
    value: z.enum(TIERS),
    reason: z.enum(["STATIC", "TARGETING_MATCH", "SPLIT", "DISABLED", "UNKNOWN"]),
    variant: z.string(),
    metadata: z.object({
      policyVersion: z.number(),
      mode: z.string(),
      tierSince: z.string(),
      sliderPercent: z.number().optional(),
      subjectGiven: z.boolean().optional(),
      contract: z
        .enum(["inside", "outside"])
        .optional()
        .describe("present when the agent has a contract of internal subjects: whether the targetingKey is one"),
      contractReason: z.string().optional(),
    }),
  })
  .meta({ id: "OfrepEvaluationSuccess" });

/**
 * One flag's evaluation. While RUN's slider splits (below 100 %), the value is RUN for a
 * targetingKey inside it and WALK outside it or without one (fail closed), with reason SPLIT.
 * Where the agent has a contract of internal subjects, WALK for a targetingKey outside it (or none)
 * can only suggest, as for an external subject: the value is CRAWL and the metadata says why.
 */
export function ofrepEvaluation(view: TierView, targetingKey?: string) {
  const split = tierForSubject(view.tier, view.slider ?? null, targetingKey);
  const contract = view.contract?.entries ?? null;
  const value = tierWithContract(split.tier, contract, targetingKey);
  const inside = contract !== null && insideContract(contract, targetingKey);
  return {
    key: view.action,
    value,
    // A frozen tier still holds, but no rule is moving it: DISABLED tells the client so.
    reason: view.frozen ? ("DISABLED" as const) : split.split ? ("SPLIT" as const) : ("TARGETING_MATCH" as const),
    variant: value,
    metadata: {
      policyVersion: view.policyVersion,
      mode: modeOf(value),
      tierSince: view.tierSince,
      ...(view.slider ? { sliderPercent: view.slider.percent, subjectGiven: targetingKey !== undefined } : {}),
      ...(contract === null ? {} : { contract: inside ? ("inside" as const) : ("outside" as const) }),
      ...(value !== split.tier
        ? {
            contractReason:
              targetingKey === undefined
                ? "no targetingKey and this agent has a contract of internal subjects: WALK answered as for an external subject (suggest)"
                : "the targetingKey is outside the agent's contract of internal subjects: WALK answered as for an external subject (suggest)",
          }
        : {}),
    },
  };
}

/** The context's targetingKey, once checkOfrepContext has accepted it. */
export function targetingKeyOf(context: Record<string, unknown> | undefined): string | undefined {
  return context && typeof context.targetingKey === "string" ? context.targetingKey : undefined;
}

// The evaluation context is bounded like event metadata (SPEC §4).
export const MAX_CONTEXT_BYTES = 8 * 1024;
export const MAX_CONTEXT_DEPTH = 8;
const targetingKeySchema = referenceSchema(256);

/** True when `value` nests deeper than `max` levels; never recurses more than max + 1 levels. */
function deeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (max <= 0) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) if (deeperThan(child, max - 1)) return true;
  return false;
}

/**
 * What an OFREP context may hold beyond its shape: a string targetingKey (≤ 256, no control
 * characters), at most 8 levels and 8 KiB. Anything else is 400 INVALID_CONTEXT, as OFREP says.
 */
export function checkOfrepContext(context: Record<string, unknown> | undefined): void {
  if (!context) return;
  const invalid = (message: string) => new AppError("invalid_context", message);
  // A well-formed key passes without zod; zod words the refusal of any other.
  if ("targetingKey" in context && !isReference(context.targetingKey, 256)) {
    const key = targetingKeySchema.safeParse(context.targetingKey);
    if (!key.success)
      throw invalid(
        `context.targetingKey must be a string of 1 to 256 characters without control characters (${key.error.issues[0]?.message ?? "invalid"}).`,
      );
  }
  if (deeperThan(context, MAX_CONTEXT_DEPTH))
    throw invalid(`The context must be at most ${MAX_CONTEXT_DEPTH} levels deep.`);
  if (Buffer.byteLength(JSON.stringify(context), "utf8") > MAX_CONTEXT_BYTES)
    throw invalid(`The context must be at most ${MAX_CONTEXT_BYTES} bytes.`);
}

/** OFREP's error code for one of our errors. */
export function ofrepErrorCode(error: AppError): string {
  if (error.code === "invalid_context") return "INVALID_CONTEXT";
  if (httpStatus(error) === 404) return "FLAG_NOT_FOUND";
  if (httpStatus(error) === 400 || httpStatus(error) === 413 || httpStatus(error) === 415) return "PARSE_ERROR";
  if (httpStatus(error) === 422) return "INVALID_CONTEXT";
  return "GENERAL";
}

/** OFREP clients read {key, errorCode, errorDetails}; our own error body rides along. */
export function ofrepErrorBody(error: AppError, rawKey: string | undefined) {
  const key = rawKey === undefined ? undefined : safeDecode(rawKey);
  return { ...(key ? { key } : {}), errorCode: ofrepErrorCode(error), errorDetails: error.message, ...error.toBody() };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s).slice(0, 128);
  } catch {
    return s.slice(0, 128);
  }
}
