// Session guards. The JWT only names the user; role and disabled flag come from the database each time.
import { redirect } from "next/navigation";
import { auth } from "./auth";
import { can, isRole, type Permission } from "@cwr/gating/permissions";
import { getDb } from "@/lib/db";
import type { UserPrincipal } from "./actor";

/** The signed-in user: the same principal the mutations take (declared once, in ./actor). */
export type SessionUser = UserPrincipal;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function currentUser(): Promise<UserPrincipal | null> {
  const session = await auth();
  const { id, sid } = (session?.user as { id?: string; sid?: string } | undefined) ?? {};
  // A session must name its server-side record: signed out (revoked) or expired → signed out here too.
  if (!id || !sid || !UUID.test(id) || !UUID.test(sid)) return null;
  const db = await getDb();
  const user = await db.user.findUnique({
    where: { id },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabled: true,
      sessions: { where: { id: sid, revokedAt: null, expiresAt: { gt: new Date() } }, select: { id: true } },
    },
  });
  if (!user || user.disabled || !isRole(user.role) || user.sessions.length === 0) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** For pages: signed out → sign-in page; signed in without the permission → the 403 page. */
export async function requirePageUser(
  permission: Permission = "dashboard:read",
  returnTo = "/",
): Promise<UserPrincipal> {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (!can(user.role, permission)) redirect(`/forbidden?need=${encodeURIComponent(permission)}`);
  return user;
}
