import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listAgents } from "@/lib/agents/data";
import { listApiKeys } from "@/lib/keys/data";
import { KeysPanel } from "@/components/admin/KeysPanel";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API keys · Admin" };

export default async function AdminKeysPage({
  searchParams,
}: {
  searchParams: Promise<{ agent?: string | string[] }>;
}) {
  await requirePageUser("admin:manage", "/admin/keys");
  const db = await getDb();
  const [agents, keys] = await Promise.all([listAgents(db), listApiKeys(db)]);
  const options = agents.map((a) => ({ id: a.id, slug: a.slug }));
  const wanted = (await searchParams).agent;
  const agent = typeof wanted === "string" ? options.find((a) => a.slug === wanted) : undefined;
  return <KeysPanel initial={keys} agents={options} agent={agent} />;
}
