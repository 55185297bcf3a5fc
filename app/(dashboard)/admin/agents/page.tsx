import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listAgents } from "@/lib/agents/data";
import { AgentsPanel } from "@/components/admin/AgentsPanel";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Agents & action types · Admin" };

export default async function AdminAgentsPage() {
  await requirePageUser("admin:manage", "/admin/agents");
  return <AgentsPanel initial={await listAgents(await getDb())} />;
}
