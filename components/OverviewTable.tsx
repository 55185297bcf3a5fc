"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { OverviewRow } from "@/lib/action-types/data";
import { fetchJson } from "@/components/ui/fetchJson";
import { ErrorNote, LiveDot } from "@/components/ui/States";
import { TierBadge } from "@/components/TierBadge";
import { Sparkline } from "@/components/Sparkline";
import { TierActions } from "@/components/TierActions";
import { formatDuration, windowHealthText } from "@/components/format";
import type { ActionResultLike } from "@/components/ui/ActionForm";

const TIER_ORDER = { CRAWL: 0, WALK: 1, RUN: 2 } as const;
const PAGE_ROWS = 200;
type Sort = "agent" | "tier" | "time" | "health";

export function OverviewTable(props: {
  initial: OverviewRow[];
  canAct: boolean;
  demote: (input: { actionTypeId: string; rationale: string }) => Promise<ActionResultLike>;
  freeze: (input: { actionTypeId: string; frozen: boolean; rationale: string }) => Promise<ActionResultLike>;
}) {
  const query = useQuery({ queryKey: ["overview"], queryFn: () => fetchJson<{ rows: OverviewRow[] }>("/api/dashboard/overview"), initialData: { rows: props.initial } });
  const [text, setText] = useState("");
  const [tier, setTier] = useState("all");
  const [status, setStatus] = useState("all");
  const [sort, setSort] = useState<Sort>("agent");
  // Thousands of rows render slowly and help nobody: the first page shows, the rest on request.
  const [limit, setLimit] = useState(PAGE_ROWS);

  const rows = useMemo(() => {
    const t = text.trim().toLowerCase();
    const list = query.data.rows.filter(
      (r) =>
        (!t || `${r.agentSlug} ${r.agentName} ${r.key} ${r.name}`.toLowerCase().includes(t)) &&
        (tier === "all" || r.tier === tier) &&
        (status === "all" || (status === "eligible" ? r.eligible : status === "frozen" ? r.frozen : status === "requests" ? r.openRequests > 0 : r.lastDemotion !== null)),
    );
    const by: Record<Sort, (a: OverviewRow, b: OverviewRow) => number> = {
      agent: (a, b) => a.agentSlug.localeCompare(b.agentSlug) || a.key.localeCompare(b.key),
      tier: (a, b) => TIER_ORDER[b.tier] - TIER_ORDER[a.tier] || a.key.localeCompare(b.key),
      time: (a, b) => a.tierSince.localeCompare(b.tierSince),
      health: (a, b) => margin(a) - margin(b),
    };
    return [...list].sort(by[sort]);
  }, [query.data, text, tier, status, sort]);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Search</span>
          <input aria-label="Search" value={text} onChange={(e) => setText(e.target.value)} placeholder="agent or action" className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Tier</span>
          <select aria-label="Tier filter" value={tier} onChange={(e) => setTier(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
            <option value="all">All tiers</option>
            <option>CRAWL</option>
            <option>WALK</option>
            <option>RUN</option>
          </select>
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Show</span>
          <select aria-label="Status filter" value={status} onChange={(e) => setStatus(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
            <option value="all">Everything</option>
            <option value="eligible">Eligible for promotion</option>
            <option value="requests">With open requests</option>
            <option value="frozen">Frozen</option>
            <option value="demoted">Demoted at some point</option>
          </select>
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Sort by</span>
          <select aria-label="Sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)} className="rounded border border-slate-300 px-2 py-1">
            <option value="agent">Agent</option>
            <option value="tier">Tier</option>
            <option value="time">Longest in tier</option>
            <option value="health">Closest to demotion</option>
          </select>
        </label>
        <span className="ml-auto">
          <LiveDot fetching={query.isFetching} />
        </span>
      </div>
      {query.isError && <ErrorNote error={query.error} />}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm" data-testid="overview-table">
          <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
            <tr>
              <th className="px-3 py-2">Agent / action</th>
              <th className="px-3 py-2">Tier</th>
              <th className="px-3 py-2">In tier</th>
              <th className="px-3 py-2" title="Line: daily success rate, last 14 days. Figure: rate over the policy window.">Health</th>
              <th className="px-3 py-2">Eligibility</th>
              <th className="px-3 py-2">Requests</th>
              <th className="px-3 py-2">Last demotion</th>
              {props.canAct && <th className="px-3 py-2">Act</th>}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={8} className="px-3 py-6 text-center text-slate-500">Nothing matches these filters.</td>
              </tr>
            )}
            {rows.slice(0, limit).map((r) => (
              <tr key={r.id} className="border-t border-slate-100 align-top" data-testid="overview-row" data-action-key={r.key} data-tier={r.tier}>
                <td className="px-3 py-2">
                  <Link href={`/action-types/${r.id}`} className="font-mono text-blue-800 hover:underline">{r.key}</Link>
                  <div className="text-xs text-slate-500">{r.agentName} · {r.blastRadius}{r.reversible ? "" : " · irreversible"}</div>
                </td>
                <td className="px-3 py-2"><TierBadge tier={r.tier} frozen={r.frozen} /></td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDuration(r.tierSince)}</td>
                <td className="px-3 py-2">
                  <Sparkline values={r.spark} promotion={r.promotionThreshold} demotion={r.demotionThreshold} />
                  <div className="text-xs text-slate-500">{windowHealthText(r.windowRate, r.windowTrials)}</div>
                </td>
                <td className="px-3 py-2 text-xs">
                  {r.eligible ? (
                    <span className="rounded bg-emerald-100 px-1.5 py-0.5 font-semibold text-emerald-900">eligible</span>
                  ) : (
                    <ul className="max-w-xs list-disc pl-4 text-slate-600">
                      {r.unmet.map((u) => <li key={u.code}>{u.message}</li>)}
                    </ul>
                  )}
                  {r.gateMethod === "raw" && <div className="mt-1 text-amber-800">raw gate: no statistical guarantee</div>}
                </td>
                <td className="px-3 py-2">{r.openRequests > 0 ? <Link href={`/requests?action=${r.id}`} className="text-blue-800 underline">{r.openRequests} open</Link> : "—"}</td>
                <td className="px-3 py-2 text-xs whitespace-nowrap">{r.lastDemotion ? `${formatDuration(r.lastDemotion.at)} ago · ${r.lastDemotion.cause.replace("_", " ")}` : "—"}</td>
                {props.canAct && (
                  <td className="px-3 py-2">
                    <TierActions actionTypeId={r.id} label={r.key} tier={r.tier} frozen={r.frozen} stateVersion={r.stateVersion} demote={props.demote} freeze={props.freeze} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > limit && (
        <button onClick={() => setLimit(rows.length)} className="rounded border border-slate-300 bg-white px-3 py-1 text-sm">
          Showing {limit} of {rows.length}: show all
        </button>
      )}
    </div>
  );
}

/** How far the window rate sits above the demotion bar (negative: below it). */
function margin(r: OverviewRow): number {
  if (r.windowRate === null) return 1;
  return r.windowRate - (r.demotionThreshold ?? 0);
}
