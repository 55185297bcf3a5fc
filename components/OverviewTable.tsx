"use client";
import { useEffect, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { OverviewRow } from "@/lib/action-types/data";
import type { OverviewPage, OverviewQuery } from "@/lib/action-types/schema";
import { fetchJson } from "@/components/ui/fetchJson";
import { ErrorNote, LiveDot } from "@/components/ui/States";
import { TierLegend } from "@/components/TierBadge";
import type { DemoteAction, FreezeAction } from "@/components/TierActions";
import { OverviewRowView } from "@/components/OverviewRow";

type Sort = OverviewQuery["sort"];

/** The query as URL search parameters, defaults left out (the URL keeps filters, sort and page). */
export function overviewSearch(q: OverviewQuery): string {
  const p = new URLSearchParams();
  if (q.q) p.set("q", q.q);
  if (q.agent) p.set("agent", q.agent);
  if (q.tier) p.set("tier", q.tier);
  if (q.status !== "all") p.set("status", q.status);
  if (q.sort !== "agent") p.set("sort", q.sort);
  if (q.page !== 1) p.set("page", String(q.page));
  return p.toString();
}

/**
 * The overview: filtered, sorted and paged on the server (only the page travels); the URL keeps
 * the view, and TanStack Query keeps the page live.
 */
export function OverviewTable(props: {
  initial: OverviewPage<OverviewRow>;
  initialQuery: OverviewQuery;
  canAct: boolean;
  demote: DemoteAction;
  freeze: FreezeAction;
}) {
  const [view, setView] = useState<OverviewQuery>(props.initialQuery);
  const [text, setText] = useState(props.initialQuery.q ?? "");
  const search = overviewSearch(view);
  const query = useQuery({
    queryKey: ["overview", search],
    queryFn: () => fetchJson<OverviewPage<OverviewRow>>(`/api/dashboard/overview${search ? `?${search}` : ""}`),
    initialData: search === overviewSearch(props.initialQuery) ? props.initial : undefined,
    placeholderData: keepPreviousData,
  });
  const update = (patch: Partial<OverviewQuery>) => {
    const next = { ...view, page: 1, ...patch };
    setView(next);
    const s = overviewSearch(next);
    window.history.replaceState(null, "", s ? `?${s}` : window.location.pathname);
  };
  // Typing searches once the typing pauses, not on every key.
  useEffect(() => {
    const wanted = text.trim() || undefined;
    if (wanted === view.q) return;
    const t = setTimeout(() => update({ q: wanted }), 250);
    return () => clearTimeout(t);
  });
  const page = query.data;
  const rows = page?.rows ?? [];
  const tier = view.tier ?? "all";
  const status = view.status;
  const sort = view.sort;
  const setTier = (v: string) => update({ tier: v === "all" ? undefined : (v as OverviewQuery["tier"]) });
  const setStatus = (v: string) => update({ status: v as OverviewQuery["status"] });
  const setSort = (v: Sort) => update({ sort: v });

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Search</span>
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="agent or action"
            className="rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Tier</span>
          <select
            value={tier}
            onChange={(e) => setTier(e.target.value)}
            className="rounded border border-slate-300 px-2 py-1"
          >
            <option value="all">All tiers</option>
            <option>CRAWL</option>
            <option>WALK</option>
            <option>RUN</option>
          </select>
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Show</span>
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            className="rounded border border-slate-300 px-2 py-1"
          >
            <option value="all">Everything</option>
            <option value="eligible">Eligible for promotion</option>
            <option value="requests">With open requests</option>
            <option value="frozen">Frozen</option>
            <option value="demoted">Demoted at some point</option>
          </select>
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Sort by</span>
          <select
            value={sort}
            onChange={(e) => setSort(e.target.value as Sort)}
            className="rounded border border-slate-300 px-2 py-1"
          >
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
      <TierLegend />
      {query.isError && <ErrorNote error={query.error} />}
      {/* At 1024 px the table fits its box (the Act column included): tight cells, time in tier under the tier. */}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm" data-testid="overview-table">
          <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
            <tr>
              <th className="px-2 py-2">Agent / action</th>
              <th className="px-2 py-2">Tier</th>
              <th
                className="px-2 py-2"
                title="Line: daily success rate, last 14 days. Figure: rate over the policy window."
              >
                Health
              </th>
              <th className="px-2 py-2">Eligibility</th>
              <th className="px-2 py-2">Requests</th>
              <th className="px-2 py-2">Last demotion</th>
              {props.canAct && <th className="px-2 py-2">Act</th>}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={props.canAct ? 7 : 6} className="px-3 py-6 text-center text-slate-500">
                  Nothing matches these filters.
                </td>
              </tr>
            )}
            {rows.map((r) => (
              <OverviewRowView
                key={r.id}
                r={r}
                act={props.canAct ? { demote: props.demote, freeze: props.freeze } : null}
              />
            ))}
          </tbody>
        </table>
      </div>
      {page && (
        <nav aria-label="Pages" className="flex items-center gap-3 text-sm">
          <button
            disabled={view.page <= 1}
            onClick={() => update({ page: view.page - 1 })}
            className="rounded border border-slate-300 bg-white px-3 py-1 disabled:opacity-40"
          >
            Previous
          </button>
          <span data-testid="overview-pages">
            Page {page.page} of {page.pages} · {page.total} action type{page.total === 1 ? "" : "s"}
          </span>
          <button
            disabled={view.page >= page.pages}
            onClick={() => update({ page: view.page + 1 })}
            className="rounded border border-slate-300 bg-white px-3 py-1 disabled:opacity-40"
          >
            Next
          </button>
        </nav>
      )}
    </div>
  );
}
