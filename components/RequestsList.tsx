"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { RequestSummary } from "@/lib/requests/data";
import { fetchJson } from "@/components/ui/fetchJson";
import { Empty, ErrorNote, LiveDot } from "@/components/ui/States";
import { RequestTable } from "@/components/RequestTable";

const TABS = ["open", "approved", "applied", "rejected", "withdrawn", "expired", "all"] as const;

export function RequestsList({ initial, status, action }: { initial: RequestSummary[]; status: string; action: string | null }) {
  const qs = new URLSearchParams({ ...(status !== "all" ? { status } : {}), ...(action ? { action } : {}) }).toString();
  const q = useQuery({ queryKey: ["requests", status, action], queryFn: () => fetchJson<{ rows: RequestSummary[] }>(`/api/dashboard/requests${qs ? `?${qs}` : ""}`), initialData: { rows: initial } });
  return (
    <div className="space-y-3">
      <nav className="flex flex-wrap gap-2 text-sm" aria-label="Status">
        {TABS.map((t) => (
          <Link key={t} href={`/requests?status=${t}${action ? `&action=${action}` : ""}`} className={`rounded px-2 py-1 ${t === status ? "bg-slate-900 text-white" : "border border-slate-300 bg-white"}`}>
            {t}
          </Link>
        ))}
        <span className="ml-auto"><LiveDot fetching={q.isFetching} /></span>
      </nav>
      {q.isError && <ErrorNote error={q.error} />}
      <div className="rounded-lg border border-slate-200 bg-white p-3">{q.data.rows.length === 0 ? <Empty>No {status === "all" ? "" : status} requests.</Empty> : <RequestTable rows={q.data.rows} />}</div>
    </div>
  );
}
