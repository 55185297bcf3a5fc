// The one role → permission table. Pure; every page, route, server action and gating rule asks it.
// Unknown roles or permissions are denied (fail closed).
import { ROLES, type Role } from "./types";

export { ROLES, type Role };

export const PERMISSIONS = {
  /** overview, action type pages, requests list, policies (read) */
  "dashboard:read": ["viewer", "reviewer", "admin", "auditor", "operator"],
  /** open a promotion request (engineers watch trends and open requests) */
  "request:open": ["viewer", "reviewer", "admin"],
  /** approve or reject someone else's request */
  "request:review": ["reviewer", "admin"],
  /** open an override request against an unmet bar */
  "request:override": ["admin"],
  /** withdraw one's own open request, or apply an approved one */
  "request:manage": ["viewer", "reviewer", "admin"],
  /** ask or answer on a request (a comment is not a review: it never counts, SPEC §3 rule 3) */
  "request:comment": ["viewer", "reviewer", "admin"],
  /** manual demotion, freeze and unfreeze */
  "tier:demote": ["reviewer", "admin"],
  /** change policy bars (tightening applies at once, loosening is reviewed) */
  "policy:edit": ["admin"],
  /** browse the audit log and its chain status */
  "audit:read": ["auditor", "admin", "reviewer"],
  /** export the audit log */
  "audit:export": ["auditor", "admin"],
  /** accept, edit or reject an agent's proposals (CRAWL's human act, SPEC §8) */
  "suggestion:decide": ["operator", "admin"],
  /** agents, action types, API keys, users and roles */
  "admin:manage": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(role: unknown, permission: Permission | string): boolean {
  if (!isRole(role)) return false;
  if (!Object.prototype.hasOwnProperty.call(PERMISSIONS, permission)) return false;
  return (PERMISSIONS[permission as Permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: unknown): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
}
