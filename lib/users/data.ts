// Reads of users for the admin page. Explicit selects, plain DTOs; never the password hash.
import type { Db } from "@/lib/db";
import type { Role } from "@/lib/auth/permissions";

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** false for OpenID Connect users, who have no password here */
  hasPassword: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  const rows = await db.user.findMany({
    orderBy: { email: "asc" },
    select: { id: true, email: true, name: true, role: true, disabled: true, passwordHash: true, createdAt: true, lastLoginAt: true },
  });
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    hasPassword: u.passwordHash !== null,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  }));
}
