"use client";
// API keys: live list of key metadata (never secrets), create (secret shown once), revoke.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { listApiKeys } from "@/lib/keys/data";
import { fetchJson } from "@/components/ui/fetchJson";
import { Card, Empty, ErrorNote, LiveDot } from "@/components/ui/States";
import { formatDateTime } from "@/components/format";
import { CreateKeyForm } from "./CreateKeyForm";
import { RevokeKeyButton } from "./RevokeKeyButton";
import { TableShell, Th, cellClass, rowClass, theadClass } from "./fields";

export type KeyRow = Awaited<ReturnType<typeof listApiKeys>>[number];
export interface AgentOption {
  id: string;
  slug: string;
}

export function KeysPanel({
  initial,
  agents,
  agent,
}: {
  initial: KeyRow[];
  agents: AgentOption[];
  agent?: AgentOption;
}) {
  const query = useQuery({
    queryKey: ["admin", "keys"],
    queryFn: () => fetchJson<{ keys: KeyRow[] }>("/api/dashboard/admin/keys"),
    initialData: { keys: initial },
  });
  const keys = agent ? query.data.keys.filter((k) => k.agentSlug === agent.slug) : query.data.keys;
  const active = keys.filter((k) => !k.revokedAt).length;
  return (
    <div className="space-y-4">
      <Card
        title={agent ? `API keys of ${agent.slug} (${active} active)` : `API keys (${active} active of ${keys.length})`}
        actions={<LiveDot fetching={query.isFetching} />}
      >
        {agent && (
          <p className="mb-2 text-xs text-slate-500">
            <Link href="/admin/keys" className="text-blue-800 underline">
              Show the keys of every agent
            </Link>
          </p>
        )}
        {query.isError && <ErrorNote error={query.error} />}
        {keys.length === 0 ? (
          <Empty>
            No API keys{agent ? ` for ${agent.slug}` : ""} yet. An agent needs one to fetch its tiers and report
            outcomes.
          </Empty>
        ) : (
          <TableShell testId="keys-table">
            <thead className={theadClass}>
              <tr>
                <Th>Agent</Th>
                <Th>Name</Th>
                <Th>Prefix</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>Status</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr
                  key={k.id}
                  className={rowClass}
                  data-testid="key-row"
                  data-prefix={k.prefix}
                  data-revoked={k.revokedAt ? "true" : "false"}
                >
                  <td className={`${cellClass} font-mono`}>
                    <Link href={`/admin/agents/${k.agentSlug}`} className="text-blue-800 hover:underline">
                      {k.agentSlug}
                    </Link>
                  </td>
                  <td className={cellClass}>{k.name}</td>
                  <td className={`${cellClass} font-mono text-xs`}>{k.prefix}…</td>
                  <td className={`${cellClass} whitespace-nowrap text-xs`}>{formatDateTime(k.createdAt)}</td>
                  <td className={`${cellClass} whitespace-nowrap text-xs`}>
                    {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : <span className="text-slate-500">never</span>}
                  </td>
                  <td className={`${cellClass} whitespace-nowrap text-xs`}>
                    {k.revokedAt ? (
                      <span className="rounded bg-red-100 px-1.5 py-0.5 font-semibold text-red-900">
                        revoked {formatDateTime(k.revokedAt)}
                      </span>
                    ) : (
                      <span className="rounded bg-emerald-100 px-1.5 py-0.5 font-semibold text-emerald-900">
                        active
                      </span>
                    )}
                  </td>
                  <td className={cellClass}>
                    <RevokeKeyButton
                      keyId={k.id}
                      label={`${k.prefix}… (${k.agentSlug} / ${k.name})`}
                      revoked={k.revokedAt !== null}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </TableShell>
        )}
      </Card>
      <Card title="Create an API key">
        {agents.length === 0 ? (
          <Empty>Create an agent first: every key belongs to one agent.</Empty>
        ) : (
          <CreateKeyForm agents={agents} fixedAgent={agent} />
        )}
      </Card>
    </div>
  );
}
