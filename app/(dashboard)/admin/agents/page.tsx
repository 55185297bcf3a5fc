import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listAgents } from "@/lib/agents/data";
import { retentionSetting } from "@/lib/retention/data";
import { AgentsPanel } from "@/components/admin/AgentsPanel";
import { RetentionPanel } from "@/components/admin/RetentionPanel";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Agents & action types · Admin" };

export default async function AdminAgentsPage() {
  await requirePageUser("admin:manage", "/admin/agents");
  const db = await getDb();
  const retention = await retentionSetting(db);
  return (
    <>
      <AgentsPanel initial={await listAgents(db)} />
      <RetentionPanel months={retention.months} archivedBefore={retention.archivedBefore?.toISOString() ?? null} />
    </>
  );
}
