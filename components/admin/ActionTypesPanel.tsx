"use client";
// One agent's action types: live list (from /api/dashboard/admin/agents/{slug}) and the create form.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { AdminAgentDetail } from "@/lib/agents/admin-data";
import { fetchJson } from "@/components/ui/fetchJson";
import { Card, Empty, ErrorNote, LiveDot } from "@/components/ui/States";
import { TierBadge } from "@/components/TierBadge";
import { Since } from "@/components/ServerClock";
import { CreateActionTypeForm } from "./CreateActionTypeForm";
import { TableShell, Th, cellClass, rowClass, theadClass } from "./fields";

const RADIUS_STYLE: Record<string, string> = {
  low: "bg-slate-100 text-slate-700",
  medium: "bg-yellow-100 text-yellow-900",
  high: "bg-orange-100 text-orange-900",
  critical: "bg-red-100 text-red-900",
};

export function BlastRadiusBadge({ radius }: { radius: string }) {
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${RADIUS_STYLE[radius] ?? "bg-slate-100"}`}>
      {radius}
    </span>
  );
}

export function ActionTypesPanel({ initial }: { initial: AdminAgentDetail }) {
  const query = useQuery({
    queryKey: ["admin", "agent", initial.slug],
    queryFn: () =>
      fetchJson<{ agent: AdminAgentDetail }>(`/api/dashboard/admin/agents/${encodeURIComponent(initial.slug)}`),
    initialData: { agent: initial },
  });
  const agent = query.data.agent;
  return (
    <div className="space-y-4">
      <Card title={`Action types (${agent.actionTypes.length})`} actions={<LiveDot fetching={query.isFetching} />}>
        {query.isError && <ErrorNote error={query.error} />}
        {agent.actionTypes.length === 0 ? (
          <Empty>
            {agent.name} has no action types yet. Until it has one, every decision it asks for is answered “suggest”
            (CRAWL). Add one below.
          </Empty>
        ) : (
          <TableShell testId="action-types-table">
            <thead className={theadClass}>
              <tr>
                <Th>Key</Th>
                <Th>Name</Th>
                <Th>Blast radius</Th>
                <Th>Reversible</Th>
                <Th>Tier</Th>
                <Th>In tier</Th>
                <Th>Policy</Th>
              </tr>
            </thead>
            <tbody>
              {agent.actionTypes.map((a) => (
                <tr
                  key={a.id}
                  className={rowClass}
                  data-testid="action-type-row"
                  data-action-key={a.key}
                  data-tier={a.tier}
                >
                  <td className={cellClass}>
                    <Link href={`/action-types/${a.id}`} className="font-mono text-blue-800 hover:underline">
                      {a.key}
                    </Link>
                  </td>
                  <td className={cellClass}>
                    {a.name}
                    {a.description && <div className="max-w-sm text-xs text-slate-500">{a.description}</div>}
                  </td>
                  <td className={cellClass}>
                    <BlastRadiusBadge radius={a.blastRadius} />
                  </td>
                  <td className={cellClass}>
                    {a.reversible ? "yes" : <span className="font-medium text-red-800">no</span>}
                  </td>
                  <td className={cellClass}>
                    <TierBadge tier={a.tier} frozen={a.frozen} />
                  </td>
                  <td className={`${cellClass} whitespace-nowrap`}>
                    <Since iso={a.tierSince} />
                  </td>
                  <td className={`${cellClass} text-xs text-slate-600`}>
                    {a.policyVersion === null ? "—" : `v${a.policyVersion}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableShell>
        )}
      </Card>
      <Card title={`Add an action type to ${agent.slug}`}>
        <CreateActionTypeForm agentId={agent.id} />
      </Card>
    </div>
  );
}
