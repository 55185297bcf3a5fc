// How the one error model (lib/errors) is answered over HTTP. Statuses are decided here and read
// only by route(), the action wrapper and the node:http front. The rest of lib/errors is re-exported
// for one step so code written against the old path keeps compiling; new code imports "@/lib/errors".
import type { AppError, ErrorCode } from "@/lib/errors";

export { AppError, conflict, domainError, forbidden, notFound, toAppError, unauthenticated } from "@/lib/errors";
export type { ErrorBody, ErrorCode } from "@/lib/errors";

/** Every code's status: 403 for who, 422 for what was written, 409 for the state things are in. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  invalid_context: 400,
  rate_limited: 429,
  state_moved: 409,
  internal: 500,
  unavailable: 503,
  storage_full: 507,
  forbidden_role: 403,
  self_review: 403,
  not_in_pool: 403,
  self_grant: 403,
  not_requester: 403,
  roles_from_identity_provider: 403,
  invitation_pending: 409,
  invitation_invalid: 410,
  rationale_too_short: 422,
  justification_too_short: 422,
  invalid_policy: 422,
  not_open: 409,
  already_reviewed: 409,
  stale_snapshot: 409,
  expired: 409,
  not_expired_yet: 409,
  not_approved: 409,
  not_eligible: 409,
  blocked: 409,
  no_review_needed: 409,
  demoted: 409,
  tier_changed: 409,
  frozen: 409,
  state_changed: 409,
  policy_tightened: 409,
  policy_changed: 409,
  not_superseded: 409,
  already_decided: 409,
  proposal_expired: 410,
  not_granted: 409,
  digest_mismatch: 409,
  grant_used: 409,
};

export const httpStatus = (error: AppError): number => ERROR_STATUS[error.code];
