import { redirect } from "next/navigation";
import { requirePageUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function AdminPage() {
  await requirePageUser("admin:manage", "/admin");
  redirect("/admin/agents");
}
