import Link from "next/link";
import type { RequestSummary } from "@/lib/requests/data";
import { formatDateTime } from "@/components/format";
import { ActionName, AgentName } from "@/components/Names";
import { TierBadge } from "@/components/TierBadge";

const STATUS_STYLE: Record<string, string> = {
  open: "bg-amber-100 text-amber-900",
  approved: "bg-blue-100 text-blue-900",
  applied: "bg-emerald-100 text-emerald-900",
  rejected: "bg-red-100 text-red-900",
  withdrawn: "bg-slate-100 text-slate-700",
  expired: "bg-slate-100 text-slate-700",
  superseded: "bg-slate-100 text-slate-700",
};

/** A policy change closed because a newer version was written is "superseded", not "withdrawn": nobody withdrew it. */
export function displayStatus(status: string, statusReason = ""): string {
  return status === "withdrawn" && statusReason.startsWith("superseded") ? "superseded" : status;
}

export function KindBadge({ kind }: { kind: string }) {
  if (kind === "override")
    return (
      <span
        className="rounded bg-purple-700 px-1.5 py-0.5 text-xs font-bold text-white"
        title="Promotion against an unmet bar"
      >
        ⚠ OVERRIDE
      </span>
    );
  if (kind === "policy_change")
    return (
      <span className="rounded bg-slate-700 px-1.5 py-0.5 text-xs font-semibold text-white">policy loosening</span>
    );
  return <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs font-semibold text-slate-800">promotion</span>;
}

export function StatusBadge({ status, reason }: { status: string; reason?: string }) {
  const shown = displayStatus(status, reason);
  return (
    <span
      data-testid="status-badge"
      className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATUS_STYLE[shown] ?? ""}`}
    >
      {shown}
    </span>
  );
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
            <tr
              key={r.id}
              className="border-t border-slate-100"
              data-testid="request-row"
              data-request-id={r.id}
              data-kind={r.kind}
            >
              <td className="py-1 pr-3">
                <Link href={`/requests/${r.id}`} className="text-blue-800 underline">
                  view
                </Link>{" "}
                <KindBadge kind={r.kind} />
                {r.note && (
                  <div className="mt-0.5 max-w-80 text-xs text-slate-700" data-testid="request-note">
                    “{r.note.length > 140 ? `${r.note.slice(0, 140)}…` : r.note}”
                  </div>
                )}
              </td>
              <td className="py-1 pr-3 text-xs">
                <ActionName name={r.actionName} actionKey={r.actionKey} />
                <div className="text-slate-600">
                  <AgentName name={r.agentName} slug={r.agentSlug} />
                </div>
              </td>
              <td className="py-1 pr-3">
                {r.fromTier ? (
                  <span className="inline-flex items-center gap-1">
                    <TierBadge tier={r.fromTier} /> → <TierBadge tier={r.toTier ?? ""} />
                  </span>
                ) : (
                  "bars"
                )}
              </td>
              <td className="py-1 pr-3">
                <StatusBadge status={r.status} reason={r.statusReason} />
                {r.statusReason && (
                  <div
                    className={`text-xs ${displayStatus(r.status, r.statusReason) === "superseded" ? "text-slate-700" : "text-red-700"}`}
                  >
                    {r.statusReason}
                  </div>
                )}
              </td>
              <td className="py-1 pr-3">
                {r.approvals === null ? (
                  <span title="Blind review: the count shows once you have reviewed, or once the request closes">
                    ? / {r.reviewersRequired}
                  </span>
                ) : (
                  `${r.approvals} / ${r.reviewersRequired}`
                )}
              </td>
              <td className="py-1 pr-3 text-xs">
                {formatDateTime(r.createdAt)} by {r.requester}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
