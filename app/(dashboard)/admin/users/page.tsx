import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listUsers } from "@/lib/users/data";
import { UsersPanel } from "@/components/admin/UsersPanel";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Users & roles · Admin" };

export default async function AdminUsersPage() {
  const user = await requirePageUser("admin:manage", "/admin/users");
  return <UsersPanel initial={await listUsers(await getDb())} currentUserId={user.id} />;
}
