import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { agentWithActionTypes } from "@/lib/agents/admin-data";
import { listApiKeys } from "@/lib/keys/data";
import { ActionTypesPanel } from "@/components/admin/ActionTypesPanel";
import { KeysPanel } from "@/components/admin/KeysPanel";
import { ContractPanel } from "@/components/admin/ContractPanel";
import { agentContract, openContractRequests } from "@/lib/contracts/data";
import { removeContractEntryAction, requestContractAdditionAction } from "../../../contract-actions";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `${decodeURIComponent((await params).slug)} · Admin` };
}

export default async function AdminAgentPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requirePageUser("admin:manage", `/admin/agents/${encodeURIComponent(slug)}`);
  const db = await getDb();
  const agent = await agentWithActionTypes(db, slug);
  if (!agent) notFound();
  const [keys, contract, open] = await Promise.all([
    listApiKeys(db),
    agentContract(db, agent.id),
    openContractRequests(db, user, { agentId: agent.id }),
  ]);
  return (
    <div className="space-y-4">
      <div>
        <Link href="/admin/agents" className="text-sm text-blue-800 hover:underline">
          ← All agents
        </Link>
        <h2 className="mt-1 text-lg font-semibold">
          {agent.name} <span className="font-mono text-base text-slate-500">{agent.slug}</span>
        </h2>
        <p className="text-sm text-slate-600">
          Owner: {agent.owner}
          {agent.description ? ` · ${agent.description}` : ""}
        </p>
      </div>
      <ActionTypesPanel initial={agent} />
      <ContractPanel
        data={{ agentId: agent.id, entries: contract?.entries ?? null, open }}
        actions={{ add: requestContractAdditionAction, remove: removeContractEntryAction }}
      />
      <KeysPanel
        initial={keys}
        agents={[{ id: agent.id, slug: agent.slug }]}
        agent={{ id: agent.id, slug: agent.slug }}
      />
    </div>
  );
}
