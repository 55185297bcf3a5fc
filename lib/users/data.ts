// Reads of users for the admin page. Explicit selects, plain DTOs; never the password hash.
import type { Db } from "@/lib/db";
import type { Role } from "@cwr/gating/permissions";
import { grantAwaitsDecisionBy } from "@cwr/gating/role-grants";
import { invitationPending } from "@cwr/gating/invitations";
import { rolesFromIdentityProvider } from "@/lib/auth/oidc-roles";

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** false for OpenID Connect users, who have no password here */
  hasPassword: boolean;
  /** a local account whose invitation is not accepted yet (the link itself is never read back) */
  invitation: "pending" | "expired" | null;
  createdAt: string;
  lastLoginAt: string | null;
}

export async function listUsers(db: Db, now = new Date()): Promise<UserRow[]> {
  const rows = await db.user.findMany({
    orderBy: { email: "asc" },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabled: true,
      passwordHash: true,
      invitationHash: true,
      invitationExpiresAt: true,
      createdAt: true,
      lastLoginAt: true,
    },
  });
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    hasPassword: u.passwordHash !== null,
    invitation:
      u.invitationHash === null ? null : u.invitationExpiresAt && u.invitationExpiresAt > now ? "pending" : "expired",
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  }));
}

export interface RoleGrantRow {
  id: string;
  userId: string;
  email: string;
  fromRole: Role;
  role: Role;
  requestedBy: string;
  requestedById: string;
  reason: string;
  createdAt: string;
}

const openGrants = (db: Db) =>
  db.roleGrant.findMany({
    where: { status: "open" },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      userId: true,
      fromRole: true,
      role: true,
      status: true,
      requestedByLabel: true,
      requestedById: true,
      reason: true,
      createdAt: true,
      user: { select: { email: true, invitationHash: true, invitationExpiresAt: true } },
    },
  });

/** Open grants of review power, waiting for a second person (SPEC §3 rule 10). */
export async function listOpenRoleGrants(db: Db): Promise<RoleGrantRow[]> {
  return (await openGrants(db)).map(toGrantRow);
}

/** Open grants a decision by this person would settle (lib/gating grantAwaitsDecisionBy): their "awaiting". */
export async function listRoleGrantsAwaiting(db: Db, reader: { id: string; role: Role }): Promise<RoleGrantRow[]> {
  const idp = rolesFromIdentityProvider();
  return (await openGrants(db))
    .filter((g) =>
      grantAwaitsDecisionBy(reader, {
        grant: g,
        rolesFromIdentityProvider: idp,
        granteeInvitationPending: invitationPending(g.user),
      }),
    )
    .map(toGrantRow);
}

function toGrantRow(g: Awaited<ReturnType<typeof openGrants>>[number]): RoleGrantRow {
  return {
    id: g.id,
    userId: g.userId,
    email: g.user.email,
    fromRole: g.fromRole,
    role: g.role,
    requestedBy: g.requestedByLabel,
    requestedById: g.requestedById,
    reason: g.reason,
    createdAt: g.createdAt.toISOString(),
  };
}

/** People a reviewer pool may name: everyone who can review (reviewers and admins), enabled, by name. */
export async function listPoolCandidates(db: Db): Promise<Array<{ id: string; name: string; role: string }>> {
  return db.user.findMany({
    where: { role: { in: ["reviewer", "admin"] }, disabled: false },
    orderBy: { name: "asc" },
    take: 200,
    select: { id: true, name: true, role: true },
  });
}
