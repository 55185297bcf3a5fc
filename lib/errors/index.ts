// The one error model, without transport: every failure the product reports is an AppError with a
// code from the closed list below. How a code is answered (an HTTP status) is decided only at the
// edges: lib/http/errors.ts for route(), the action wrapper and the node:http front.

/** Codes of the transport and the data layer: who may ask, what was sent, what exists. */
export const REQUEST_ERROR_CODES = [
  "bad_request",
  "unauthenticated",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "validation_failed",
  "invalid_context",
  "rate_limited",
  "state_moved",
  "internal",
  "unavailable",
] as const;

/** Refusals of the gating core (lib/gating): a rule said no. */
export const DOMAIN_ERROR_CODES = [
  // who
  "forbidden_role",
  "self_review",
  "not_in_pool",
  "self_grant",
  "not_requester",
  "roles_from_identity_provider",
  "invitation_pending",
  "invitation_invalid",
  // what was written
  "rationale_too_short",
  "justification_too_short",
  "invalid_policy",
  // the state the request or action type is in
  "not_open",
  "already_reviewed",
  "stale_snapshot",
  "expired",
  "not_expired_yet",
  "not_approved",
  "not_eligible",
  "blocked",
  "no_review_needed",
  "demoted",
  "tier_changed",
  "frozen",
  "state_changed",
  "policy_tightened",
  "policy_changed",
  "not_superseded",
  // proposals and their single-use grants (lib/gating/proposals.ts)
  "already_decided",
  "proposal_expired",
  "not_granted",
  "digest_mismatch",
  "grant_used",
] as const;

export const ERROR_CODES = [...REQUEST_ERROR_CODES, ...DOMAIN_ERROR_CODES] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN = new Set<string>(ERROR_CODES);
export const isErrorCode = (code: string): code is ErrorCode => KNOWN.has(code);

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export const notFound = (what: string, details?: unknown) => new AppError("not_found", `${what} not found.`, details);
export const forbidden = (message = "Your role does not allow this.") => new AppError("forbidden", message);
export const conflict = (message: string, details?: unknown) => new AppError("conflict", message, details);
export const unauthenticated = (message = "Sign in first.") => new AppError("unauthenticated", message);

/** Maps any thrown value to an AppError without leaking internals (no raw messages, no stacks). */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const code = (e as { code?: unknown })?.code;
  if (code === "P2002") return conflict("That already exists.");
  if (code === "P2025") return notFound("The record");
  if (code === "P2028" || code === "P2034" || code === "40001" || code === "40P01")
    return conflict("A concurrent change got there first; retry.");
  return new AppError("internal", "Something went wrong on our side. It has been logged.");
}

/** A refusal from lib/gating as an AppError: the sentence capitalised and closed, its reasons kept. */
export function domainError(
  refusal: { code: ErrorCode; message: string; reasons?: string[] },
  details?: Record<string, unknown>,
): AppError {
  const message =
    refusal.message.charAt(0).toUpperCase() + refusal.message.slice(1) + (/[.!?]$/.test(refusal.message) ? "" : ".");
  const extra = { ...(details ?? {}), ...(refusal.reasons ? { reasons: refusal.reasons } : {}) };
  return new AppError(refusal.code, message, Object.keys(extra).length ? extra : undefined);
}
