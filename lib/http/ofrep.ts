// OpenFeature Remote Evaluation Protocol: the flag key is the action key, the value the tier.
import { z } from "zod";
import type { TierView } from "@/lib/action-types/schema";
import { actionKeySchema } from "@/lib/events/schema";
import type { AppError } from "./errors";
import { json } from "./route";

export const ofrepRequestSchema = z.strictObject({ context: z.record(z.string().max(256), z.unknown()).optional() }).meta({ id: "OfrepEvaluationRequest" });
export const ofrepKeyParamsSchema = z.strictObject({ key: actionKeySchema });

export const ofrepSuccessSchema = z
  .object({
    key: z.string(),
    value: z.enum(["CRAWL", "WALK", "RUN"]),
    reason: z.enum(["STATIC", "TARGETING_MATCH", "SPLIT", "DISABLED", "UNKNOWN"]),
    variant: z.string(),
    metadata: z.object({ policyVersion: z.number(), mode: z.string(), tierSince: z.string() }),
  })
  .meta({ id: "OfrepEvaluationSuccess" });

export function ofrepEvaluation(view: TierView) {
  return {
    key: view.action,
    value: view.tier,
    // A frozen tier still holds, but no rule is moving it: DISABLED tells the client so.
    reason: view.frozen ? ("DISABLED" as const) : ("TARGETING_MATCH" as const),
    variant: view.tier,
    metadata: { policyVersion: view.policyVersion, mode: view.mode, tierSince: view.tierSince },
  };
}

/** OFREP clients read {key, errorCode, errorDetails}; our own error body rides along. */
export function renderOfrepError(error: AppError, _req: Request, params: Record<string, string | string[]>): Response {
  const key = typeof params.key === "string" ? safeDecode(params.key) : undefined;
  const errorCode =
    error.status === 404 ? "FLAG_NOT_FOUND" : error.status === 400 || error.status === 413 || error.status === 415 ? "PARSE_ERROR" : error.status === 422 ? "INVALID_CONTEXT" : "GENERAL";
  const headers = new Headers();
  const retry = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
  if (error.status === 429 && retry) headers.set("retry-after", String(retry));
  return json({ ...(key ? { key } : {}), errorCode, errorDetails: error.message, ...error.toBody() }, { status: error.status, headers });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s).slice(0, 128);
  } catch {
    return s.slice(0, 128);
  }
}
