import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkRoleGrantDecision, grantAwaitsDecisionBy, roleChangeNeedsApproval } from "./role-grants";
import { ROLES } from "./types";

const good = "Works on the payments team and reviews refunds daily.";
const decide = (over: Partial<Parameters<typeof checkRoleGrantDecision>[0]> = {}) =>
  checkRoleGrantDecision({
    grant: { userId: "u", requestedById: "a", status: "open" },
    decider: { id: "b", role: "reviewer" },
    rationale: good,
    rolesFromIdentityProvider: false,
    ...over,
  });

describe("granting review power (rule 10)", () => {
  it("needs approval exactly when the new role can review", () => {
    for (const from of ROLES)
      for (const to of ROLES)
        expect(roleChangeNeedsApproval(from, to)).toBe(from !== to && (to === "reviewer" || to === "admin"));
  });
  it("a second reviewer or admin approves with a rationale", () => {
    expect(decide()).toEqual({ ok: true });
    expect(decide({ decider: { id: "b", role: "admin" } })).toEqual({ ok: true });
  });
  it("refuses the requester, the grantee, roles without review power, closed grants, short rationales, OIDC roles", () => {
    expect(decide({ decider: { id: "a", role: "admin" } })).toMatchObject({ ok: false, code: "self_grant" });
    expect(decide({ decider: { id: "u", role: "admin" } })).toMatchObject({ ok: false, code: "self_grant" });
    expect(decide({ decider: { id: "b", role: "viewer" } })).toMatchObject({ ok: false, code: "forbidden_role" });
    expect(decide({ decider: { id: "b", role: "auditor" } })).toMatchObject({ ok: false, code: "forbidden_role" });
    expect(decide({ grant: { userId: "u", requestedById: "a", status: "approved" } })).toMatchObject({
      ok: false,
      code: "not_open",
    });
    expect(decide({ rationale: "\u200b".repeat(40) })).toMatchObject({ ok: false, code: "rationale_too_short" });
    expect(decide({ rolesFromIdentityProvider: true })).toMatchObject({
      ok: false,
      code: "roles_from_identity_provider",
    });
  });

  it("a grant for an account that has not accepted its invitation cannot be approved (rule 10)", () => {
    expect(decide({ granteeInvitationPending: true })).toMatchObject({ ok: false, code: "invitation_pending" });
    expect(decide({ granteeInvitationPending: false })).toEqual({ ok: true });
  });
});

describe("grantAwaitsDecisionBy", () => {
  it("holds exactly when checkRoleGrantDecision would accept a well-written decision", () => {
    const id = fc.constantFrom("a", "b", "c");
    fc.assert(
      fc.property(
        id,
        fc.constantFrom(...ROLES),
        id,
        id,
        fc.constantFrom("open", "approved", "rejected", "withdrawn"),
        fc.boolean(),
        fc.boolean(),
        (me, role, userId, requestedById, status, idp, pending) => {
          const facts = {
            grant: { userId, requestedById, status },
            rolesFromIdentityProvider: idp,
            granteeInvitationPending: pending,
          };
          const accepted = checkRoleGrantDecision({
            ...facts,
            decider: { id: me, role },
            rationale: "Known them for years; reviewed their first ten reviews.",
          }).ok;
          expect(grantAwaitsDecisionBy({ id: me, role }, facts)).toBe(accepted);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
