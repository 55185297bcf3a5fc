import Link from "next/link";
import type { RequestSummary } from "@/lib/requests/data";
import { formatDateTime } from "@/components/format";

const STATUS_STYLE: Record<string, string> = {
  open: "bg-amber-100 text-amber-900",
  approved: "bg-blue-100 text-blue-900",
  applied: "bg-emerald-100 text-emerald-900",
  rejected: "bg-red-100 text-red-900",
  withdrawn: "bg-slate-100 text-slate-700",
  expired: "bg-slate-100 text-slate-700",
};

export function KindBadge({ kind }: { kind: string }) {
  if (kind === "override") return <span className="rounded bg-purple-700 px-1.5 py-0.5 text-xs font-bold text-white" title="Promotion against an unmet bar">⚠ OVERRIDE</span>;
  if (kind === "policy_change") return <span className="rounded bg-slate-700 px-1.5 py-0.5 text-xs font-semibold text-white">policy loosening</span>;
  return <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs font-semibold text-slate-800">promotion</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATUS_STYLE[status] ?? ""}`}>{status}</span>;
}

export function RequestTable({ rows }: { rows: RequestSummary[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="request-table">
        <thead className="text-left text-xs uppercase text-slate-500">
          <tr>
            <th className="py-1 pr-3">Request</th>
            <th className="py-1 pr-3">Action</th>
            <th className="py-1 pr-3">Change</th>
            <th className="py-1 pr-3">Status</th>
            <th className="py-1 pr-3">Approvals</th>
            <th className="py-1 pr-3">Requested</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-100" data-testid="request-row" data-request-id={r.id}>
              <td className="py-1 pr-3"><Link href={`/requests/${r.id}`} className="text-blue-800 underline">view</Link> <KindBadge kind={r.kind} /></td>
              <td className="py-1 pr-3 font-mono text-xs">{r.agentSlug} / {r.actionKey}</td>
              <td className="py-1 pr-3">{r.fromTier ? `${r.fromTier} → ${r.toTier}` : "bars"}</td>
              <td className="py-1 pr-3"><StatusBadge status={r.status} />{r.statusReason && <div className="text-xs text-red-700">{r.statusReason}</div>}</td>
              <td className="py-1 pr-3">{r.approvals} / {r.reviewersRequired}</td>
              <td className="py-1 pr-3 text-xs">{formatDateTime(r.createdAt)} by {r.requester}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
