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
  "storage_full",
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

/** How long a client waits before retrying when the database is unavailable (a restart takes seconds). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

// Prisma's codes for a server it cannot reach or lost (P1001 unreachable, P1002 timed out, P1017 closed
// the connection, P2024 no pooled connection in time), the driver adapter's kinds, the SQLSTATEs of a
// server that is shutting down or starting (57P01–57P03, class 08: connection exceptions, 53300 too many
// connections), and node's socket errors. A raw query (P2010) carries the adapter's kind in its meta.
const UNAVAILABLE_PRISMA = new Set(["P1001", "P1002", "P1017", "P2024"]);
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNAVAILABLE_SOCKET = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);
const unavailableSqlState = (code: string) => /^08/.test(code) || /^57P0[123]$/.test(code) || code === "53300";

const LOST_CONNECTION =
  /^Connection terminated$|Connection terminated (unexpectedly|due to connection timeout)|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect/;

/** Whether a thrown value says the database cannot be reached right now (not that a query was wrong). */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 4) return false;
  const err = e as { code?: unknown; kind?: unknown; message?: unknown; meta?: unknown; cause?: unknown };
  const code = typeof err.code === "string" ? err.code : "";
  if (UNAVAILABLE_PRISMA.has(code) || UNAVAILABLE_SOCKET.has(code) || unavailableSqlState(code)) return true;
  if (typeof err.kind === "string" && UNAVAILABLE_KINDS.has(err.kind)) return true;
  const original = (err as { originalCode?: unknown }).originalCode;
  if (typeof original === "string" && unavailableSqlState(original)) return true;
  // node-postgres ends a query whose connection the server closed with these messages and no code: bare,
  // or inside the text Prisma wraps around a driver error it does not classify.
  if (typeof err.message === "string" && LOST_CONNECTION.test(err.message)) return true;
  const adapter = (err.meta as { driverAdapterError?: { cause?: unknown } } | undefined)?.driverAdapterError;
  return isDatabaseUnavailable(adapter?.cause, depth + 1) || isDatabaseUnavailable(err.cause, depth + 1);
}

/** The database is down or restarting: the client may retry the same request shortly (503 with Retry-After). */
export const databaseUnavailable = () =>
  new AppError("unavailable", "The database is unavailable right now; nothing was changed. Retry shortly.", {
    retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
  });

/**
 * The codes a thrown value carries, outermost first: its own `code` and `originalCode` (SQLSTATEs, node's
 * socket codes), then those of the driver error Prisma wraps in `meta`, and of its `cause`.
 */
export function errorCodes(e: unknown, depth = 0): string[] {
  if (!e || typeof e !== "object" || depth > 4) return [];
  const err = e as { code?: unknown; originalCode?: unknown; meta?: unknown; cause?: unknown };
  const own = [err.code, err.originalCode].filter((c): c is string => typeof c === "string");
  const adapter = (err.meta as { driverAdapterError?: { cause?: unknown } } | undefined)?.driverAdapterError;
  return [...own, ...errorCodes(adapter?.cause, depth + 1), ...errorCodes(err.cause, depth + 1)];
}

/** Whether a thrown value says the database's disk is full (SQLSTATE 53100 disk_full, or ENOSPC). */
export const isDiskFull = (e: unknown) => errorCodes(e).some((c) => c === "53100" || c === "ENOSPC");

/** The database's disk is full: nothing was written; an operator must free space (507). */
export const storageFull = () =>
  new AppError(
    "storage_full",
    "The database's disk is full, so nothing was changed. Free space on the data folder's disk, then retry.",
  );

/** Maps any thrown value to an AppError without leaking internals (no raw messages, no stacks). */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (isDatabaseUnavailable(e)) return databaseUnavailable();
  if (isDiskFull(e)) return storageFull();
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
