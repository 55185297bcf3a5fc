// AUTH_OIDC_ROLES_CLAIM names the ID-token claim whose values are role names ("reviewer", "admin"…).
// When set, the identity provider is where roles are granted (its own approval process), so the
// product refuses every local grant of review power (SPEC §3 rule 10).
import type { Role } from "@cwr/gating/permissions";

export function oidcRolesClaim(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.AUTH_OIDC_ROLES_CLAIM?.trim() || null;
}

export function rolesFromIdentityProvider(env: NodeJS.ProcessEnv = process.env): boolean {
  return oidcRolesClaim(env) !== null;
}

/** The role a claim value grants: the most powerful role named, viewer when none is (fails closed). */
export function roleFromClaim(value: unknown): Role {
  const names = (Array.isArray(value) ? value : typeof value === "string" ? value.split(/[\s,]+/) : [])
    .filter((v): v is string => typeof v === "string")
    .map((v) => v.trim().toLowerCase());
  for (const role of ["admin", "reviewer", "auditor", "operator"] as const) if (names.includes(role)) return role;
  return "viewer";
}
