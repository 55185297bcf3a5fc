import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { can, isRole, PERMISSIONS, permissionsOf, ROLES } from "./permissions";
import { canReview } from "./reviews";
import { grantsReviewPower } from "./role-grants";
import { ROLES as GATING_ROLES } from "./types";

describe("role → permission table", () => {
  it("gives each role exactly its documented powers", () => {
    expect(permissionsOf("viewer")).toEqual(["dashboard:read", "request:open", "request:manage", "request:comment"]);
    expect(permissionsOf("reviewer")).toEqual([
      "dashboard:read",
      "request:open",
      "request:review",
      "request:manage",
      "request:comment",
      "tier:demote",
      "audit:read",
    ]);
    expect(permissionsOf("auditor")).toEqual(["dashboard:read", "audit:read", "audit:export"]);
    expect(permissionsOf("operator")).toEqual(["dashboard:read", "suggestion:decide"]);
    expect(permissionsOf("admin")).toEqual(Object.keys(PERMISSIONS));
  });

  it("only admins override, edit policies and manage; only reviewers and admins review and demote", () => {
    for (const role of ROLES) {
      expect(can(role, "request:override")).toBe(role === "admin");
      expect(can(role, "policy:edit")).toBe(role === "admin");
      expect(can(role, "admin:manage")).toBe(role === "admin");
      expect(can(role, "request:review")).toBe(role === "reviewer" || role === "admin");
      expect(can(role, "tier:demote")).toBe(role === "reviewer" || role === "admin");
      expect(can(role, "suggestion:decide")).toBe(role === "operator" || role === "admin");
    }
  });

  it("auditors can read and export but change nothing", () => {
    const writes = [
      "request:open",
      "request:review",
      "request:override",
      "request:manage",
      "request:comment",
      "tier:demote",
      "policy:edit",
      "admin:manage",
    ];
    for (const p of writes) expect(can("auditor", p)).toBe(false);
    expect(can("auditor", "audit:export")).toBe(true);
  });

  it("fails closed on unknown roles and permissions, prototype keys included", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (role, permission) => {
        if (
          !isRole(role) ||
          !(permission in PERMISSIONS && Object.prototype.hasOwnProperty.call(PERMISSIONS, permission))
        )
          expect(can(role, permission)).toBe(false);
      }),
    );
    for (const p of ["constructor", "__proto__", "toString", "hasOwnProperty"]) expect(can("admin", p)).toBe(false);
    expect(can("Admin", "dashboard:read")).toBe(false);
    expect(can(undefined, "dashboard:read")).toBe(false);
  });

  it("is the table the gating rules ask: one list of roles, review power read from it", () => {
    expect(ROLES).toBe(GATING_ROLES);
    for (const role of ROLES) {
      expect(canReview(role)).toBe(can(role, "request:review"));
      expect(grantsReviewPower(role)).toBe(can(role, "request:review"));
    }
  });
});
