"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { RequestsScreen, RequestTab } from "@/lib/requests/inbox";
import { fetchJson } from "@/components/ui/fetchJson";
import { Empty, ErrorNote, LiveDot } from "@/components/ui/States";
import { RequestTable } from "@/components/RequestTable";

const TABS: ReadonlyArray<{ tab: RequestTab; label: string }> = [
  { tab: "awaiting", label: "Awaiting my review" },
  { tab: "open", label: "Open" },
  { tab: "approved", label: "Approved" },
  { tab: "applied", label: "Applied" },
  { tab: "rejected", label: "Rejected" },
  { tab: "withdrawn", label: "Withdrawn" },
  { tab: "expired", label: "Expired" },
  { tab: "all", label: "All" },
];

export function RequestsList({
  initial,
  status,
  action,
  reviewer,
}: {
  initial: RequestsScreen;
  status: RequestTab;
  action: string | null;
  reviewer: boolean;
}) {
  const qs = new URLSearchParams({ status, ...(action ? { action } : {}) }).toString();
  const q = useQuery({
    queryKey: ["requests", status, action],
    queryFn: () => fetchJson<RequestsScreen>(`/api/dashboard/requests?${qs}`),
    initialData: initial,
  });
  const tabs = TABS.filter((t) => reviewer || t.tab !== "awaiting");
  const empty =
    status === "awaiting"
      ? q.data.counts.awaiting > 0
        ? "No promotion, override or policy change waits for you; the grants and contract additions above do."
        : "Nothing waits for your review. Requests you opened, and evidence you already judged, are not listed here."
      : `No ${status === "all" ? "" : `${status} `}requests.`;
  return (
    <div className="space-y-3">
      <nav className="flex flex-wrap gap-2 text-sm" aria-label="Status">
        {tabs.map((t) => (
          <Link
            key={t.tab}
            href={`/requests?status=${t.tab}${action ? `&action=${action}` : ""}`}
            aria-current={t.tab === status ? "page" : undefined}
            data-testid={`tab-${t.tab}`}
            className={`rounded px-2 py-1 ${t.tab === status ? "bg-slate-900 text-white" : "border border-slate-300 bg-white"}`}
          >
            {t.label}{" "}
            <span
              className={`ml-0.5 rounded-full px-1.5 text-xs ${t.tab === status ? "bg-white/20" : t.tab === "awaiting" && q.data.counts.awaiting > 0 ? "bg-amber-200 text-amber-950" : "bg-slate-100 text-slate-700"}`}
            >
              {q.data.counts[t.tab]}
            </span>
          </Link>
        ))}
        <span className="ml-auto">
          <LiveDot fetching={q.isFetching} />
        </span>
      </nav>
      {q.isError && <ErrorNote error={q.error} />}
      <div className="rounded-lg border border-slate-200 bg-white p-3">
        {q.data.rows.length === 0 ? <Empty>{empty}</Empty> : <RequestTable rows={q.data.rows} />}
      </div>
    </div>
  );
}
