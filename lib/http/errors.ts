// The one error model: every failure the product reports is an AppError, rendered as
// { error: { code, message, details } } with its HTTP status. Unknown exceptions become a bare 500.

export const ERROR_STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly details?: unknown,
    status?: number,
  ) {
    super(message);
    this.name = "AppError";
    this.status = status ?? ERROR_STATUS[code as ErrorCode] ?? 400;
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
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
    return new AppError("conflict", "A concurrent change got there first; retry.", undefined, 409);
  return new AppError("internal", "Something went wrong on our side. It has been logged.");
}

/** Refusals of the gating core, by the HTTP status that describes them. */
const DOMAIN_STATUS: Record<string, number> = {
  forbidden_role: 403,
  self_review: 403,
  self_grant: 403,
  roles_from_identity_provider: 403,
  not_requester: 403,
  rationale_too_short: 422,
  justification_too_short: 422,
  invalid_policy: 422,
  bad_request: 400,
};

/** A refusal from lib/gating as an AppError: 403 for who, 422 for what was written, 409 for state. */
export function domainError(refusal: { code: string; message: string; reasons?: string[] }, details?: Record<string, unknown>): AppError {
  const message = refusal.message.charAt(0).toUpperCase() + refusal.message.slice(1) + (/[.!?]$/.test(refusal.message) ? "" : ".");
  const extra = { ...(details ?? {}), ...(refusal.reasons ? { reasons: refusal.reasons } : {}) };
  return new AppError(refusal.code, message, Object.keys(extra).length ? extra : undefined, DOMAIN_STATUS[refusal.code] ?? 409);
}
