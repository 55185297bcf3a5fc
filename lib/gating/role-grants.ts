// SPEC §3 rule 10: no one person alone. Review power (reviewer or admin) is granted only by a second
// person who already holds it, with a written rationale; taking power away applies at once.
import { can } from "./permissions";
import { rationaleProblem } from "./rationale";
import type { Role } from "./types";

/** Roles whose holders can approve requests: giving one of them to anybody needs a second person. */
export function grantsReviewPower(role: Role): boolean {
  return can(role, "request:review");
}

/** A role change needs approval when it gives review power (or more of it: reviewer → admin). */
export function roleChangeNeedsApproval(from: Role, to: Role): boolean {
  return from !== to && grantsReviewPower(to);
}

export type RoleGrantRefusal =
  | "forbidden_role"
  | "self_grant"
  | "not_open"
  | "rationale_too_short"
  | "roles_from_identity_provider"
  | "invitation_pending";

export interface RoleGrantDecision {
  grant: { userId: string; requestedById: string; status: string };
  decider: { id: string; role: Role };
  rationale: string;
  /** OpenID Connect supplies roles: no local grant of review power exists */
  rolesFromIdentityProvider: boolean;
  /** the grantee has not yet accepted their invitation: nobody has claimed the account to vouch for */
  granteeInvitationPending?: boolean;
}

export function checkRoleGrantDecision(
  d: RoleGrantDecision,
): { ok: true } | { ok: false; code: RoleGrantRefusal; message: string } {
  if (d.rolesFromIdentityProvider)
    return {
      ok: false,
      code: "roles_from_identity_provider",
      message: "roles come from the identity provider here; grant them there",
    };
  if (!grantsReviewPower(d.decider.role))
    return {
      ok: false,
      code: "forbidden_role",
      message: `role ${d.decider.role} may not approve a grant of review power; reviewers and admins may`,
    };
  if (d.grant.status !== "open")
    return { ok: false, code: "not_open", message: `the grant is ${d.grant.status}, not open` };
  if (d.decider.id === d.grant.requestedById)
    return {
      ok: false,
      code: "self_grant",
      message: "whoever asked for a grant cannot approve it; another reviewer or admin must",
    };
  if (d.decider.id === d.grant.userId)
    return { ok: false, code: "self_grant", message: "nobody can approve review power for themselves" };
  if (d.granteeInvitationPending)
    return {
      ok: false,
      code: "invitation_pending",
      message:
        "the account has not accepted its invitation yet: approve review power once its owner has set their own password",
    };
  const problem = rationaleProblem(d.rationale);
  if (problem) return { ok: false, code: "rationale_too_short", message: problem };
  return { ok: true };
}

/**
 * Does this grant wait for this person ("Awaiting my review", the navigation's badge)? Exactly when
 * their decision would be accepted once they write the rationale: checkRoleGrantDecision's own rule.
 */
export function grantAwaitsDecisionBy(
  decider: { id: string; role: Role },
  d: Omit<RoleGrantDecision, "decider" | "rationale">,
): boolean {
  const check = checkRoleGrantDecision({ ...d, decider, rationale: "" });
  return !check.ok && check.code === "rationale_too_short";
}
