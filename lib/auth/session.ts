// Session guards. The JWT only names the user; role and disabled flag come from the database each time.
import { redirect } from "next/navigation";
import { auth } from "./auth";
import { can, isRole, type Permission, type Role } from "./permissions";
import { getDb } from "@/lib/db";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, disabled: true } });
  if (!user || user.disabled || !isRole(user.role)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** For pages: signed out → sign-in page; signed in without the permission → the 403 page. */
export async function requirePageUser(permission: Permission = "dashboard:read", returnTo = "/"): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (!can(user.role, permission)) redirect(`/forbidden?need=${encodeURIComponent(permission)}`);
  return user;
}
