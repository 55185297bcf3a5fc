"use client";
// Agents: live list (from /api/dashboard/admin/agents) and the create form.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { listAgents } from "@/lib/agents/data";
import { fetchJson } from "@/components/ui/fetchJson";
import { Card, Empty, ErrorNote, LiveDot } from "@/components/ui/States";
import { formatDateTime } from "@/components/format";
import { CreateAgentForm } from "./CreateAgentForm";
import { TableShell, Th, cellClass, rowClass, theadClass } from "./fields";

export type AgentRow = Awaited<ReturnType<typeof listAgents>>[number];

export function AgentsPanel({ initial }: { initial: AgentRow[] }) {
  const query = useQuery({
    queryKey: ["admin", "agents"],
    queryFn: () => fetchJson<{ agents: AgentRow[] }>("/api/dashboard/admin/agents"),
    initialData: { agents: initial },
  });
  const agents = query.data.agents;
  return (
    <div className="space-y-4">
      <Card title={`Agents (${agents.length})`} actions={<LiveDot fetching={query.isFetching} />}>
        {query.isError && <ErrorNote error={query.error} />}
        {agents.length === 0 ? (
          <Empty>No agents yet. Create the first one below; then give it action types and an API key.</Empty>
        ) : (
          <TableShell testId="agents-table">
            <thead className={theadClass}>
              <tr>
                <Th>Slug</Th>
                <Th>Name</Th>
                <Th>Owner</Th>
                <Th>Action types</Th>
                <Th>Active keys</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.id} className={rowClass} data-testid="agent-row" data-slug={a.slug}>
                  <td className={cellClass}>
                    <Link href={`/admin/agents/${a.slug}`} className="font-mono text-blue-800 hover:underline">
                      {a.slug}
                    </Link>
                  </td>
                  <td className={cellClass}>
                    {a.name}
                    {a.description && <div className="max-w-sm text-xs text-slate-500">{a.description}</div>}
                  </td>
                  <td className={cellClass}>{a.owner}</td>
                  <td className={cellClass}>
                    <Link href={`/admin/agents/${a.slug}`} className="text-blue-800 hover:underline">
                      {a.actionTypes} {a.actionTypes === 1 ? "action type" : "action types"}
                    </Link>
                  </td>
                  <td className={cellClass}>
                    <Link
                      href={`/admin/keys?agent=${a.slug}`}
                      className={
                        a.activeKeys === 0 ? "text-amber-800 hover:underline" : "text-blue-800 hover:underline"
                      }
                    >
                      {a.activeKeys === 0 ? "none" : a.activeKeys}
                    </Link>
                  </td>
                  <td className={`${cellClass} whitespace-nowrap text-xs text-slate-600`}>
                    {formatDateTime(a.createdAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableShell>
        )}
      </Card>
      <Card title="Create an agent">
        <CreateAgentForm />
      </Card>
    </div>
  );
}
