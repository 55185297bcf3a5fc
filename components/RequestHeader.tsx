"use client";
// The request page's header and quorum: what is asked, by whom, its status and why, and how many
// approvals on the current snapshot it has of those it needs.
import Link from "next/link";
import type { ReviewPage } from "@/lib/requests/review-page";
import { LiveDot, Card } from "@/components/ui/States";
import { displayStatus, KindBadge, StatusBadge } from "@/components/RequestTable";
import { formatDateTime } from "@/components/format";
import { ActionName, AgentName } from "@/components/Names";
import { TierBadge } from "@/components/TierBadge";

type Request = ReviewPage["request"];

export function RequestHeader({ r, fetching }: { r: Request; fetching: boolean }) {
  return (
    <header>
      <p className="text-sm text-slate-500">
        <Link href="/requests" className="hover:underline">
          Requests
        </Link>{" "}
        / <AgentName name={r.agentName} slug={r.agentSlug} /> /{" "}
        <Link href={`/action-types/${r.actionTypeId}`} className="hover:underline">
          <ActionName name={r.actionName} actionKey={r.actionKey} />
        </Link>
      </p>
      <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold">
        <KindBadge kind={r.kind} />{" "}
        {r.kind === "policy_change"
          ? `Loosen the bars of ${r.actionName}`
          : `${r.actionName}: ${r.fromTier} → ${r.toTier}`}{" "}
        <span className="font-mono text-base font-normal text-slate-600">{r.actionKey}</span>{" "}
        <StatusBadge status={r.status} reason={r.statusReason} />
        <LiveDot fetching={fetching} />
      </h1>
      {r.kind !== "policy_change" && r.toTier && (
        <p className="text-sm text-slate-700" data-testid="request-tiers">
          From <TierBadge tier={r.fromTier ?? ""} explain /> to <TierBadge tier={r.toTier} explain />.
        </p>
      )}
      <p className="text-sm text-slate-600">
        Requested by {r.requester} on {formatDateTime(r.createdAt)} ·{" "}
        {r.status === "open"
          ? `expires ${formatDateTime(r.expiresAt)}`
          : r.decidedAt
            ? `decided ${formatDateTime(r.decidedAt)}`
            : ""}
      </p>
      {r.statusReason &&
        (displayStatus(r.status, r.statusReason) === "superseded" ? (
          <p className="mt-1 rounded bg-slate-100 px-2 py-1 text-sm text-slate-800" data-testid="superseded-note">
            Superseded — nobody withdrew it. It was reviewed against an older policy version, and a newer one was
            written: {r.statusReason.replace(/^superseded:\s*/, "")}.
          </p>
        ) : (
          <p className="mt-1 rounded bg-red-50 px-2 py-1 text-sm text-red-800">{r.statusReason}</p>
        ))}
      <RiskLine r={r} />
      {r.kind === "promotion" && r.justification && (
        <p className="mt-1 rounded bg-slate-50 px-2 py-1 text-sm text-slate-800" data-testid="requester-note">
          <span className="font-semibold">Note from {r.requester}:</span> {r.justification}
        </p>
      )}
    </header>
  );
}

export function QuorumCard({ r, reader }: { r: Request; reader: { id: string; canReview: boolean } }) {
  const snapshot = (
    <p className="mt-1 text-xs text-slate-500">
      Snapshot SHA-256 <code>{r.snapshotHash}</code>
    </p>
  );
  // Blind review covers counts (rule 3): until this reader reviews (or the request closes), no tally.
  if (!r.tally)
    return (
      <Card title="Quorum">
        <p className="text-sm" data-testid="quorum-sealed">
          {reader.canReview && r.requesterId !== reader.id
            ? `Your review is pending. It needs ${r.reviewersRequired} approvals; how many it has stays hidden until you submit yours.`
            : `Review is pending. It needs ${r.reviewersRequired} approvals; how many it has stays hidden until the request closes.`}{" "}
          Any rejection closes the request.
        </p>
        <PoolLine r={r} />
        {snapshot}
      </Card>
    );
  const tally = r.tally;
  const pct = Math.min(100, (tally.approvals / r.reviewersRequired) * 100);
  return (
    <Card title="Quorum">
      <div
        className="mb-1 h-3 w-full rounded bg-slate-100"
        role="progressbar"
        aria-label="Approvals toward quorum"
        aria-valuemin={0}
        aria-valuemax={r.reviewersRequired}
        aria-valuenow={Math.min(tally.approvals, r.reviewersRequired)}
        aria-valuetext={`${tally.approvals} of ${r.reviewersRequired} approvals`}
        data-testid="quorum"
      >
        <div className="h-3 rounded bg-emerald-500" style={{ width: `${pct}%` }} />
      </div>
      <p className="text-sm">
        {tally.approvals} of {r.reviewersRequired} approvals on the current snapshot
        {tally.staleApprovals ? ` (${tally.staleApprovals} given on an earlier snapshot no longer count)` : ""}; any
        rejection closes the request.
      </p>
      <PoolLine r={r} />
      {snapshot}
    </Card>
  );
}

/** Who may approve, when the policy names a reviewer pool for the tier left. */
function PoolLine({ r }: { r: Request }) {
  if (!r.pool) return null;
  return (
    <p className="mt-1 text-sm" data-testid="reviewer-pool">
      Who may approve: {r.pool.described} (the policy&apos;s reviewer pool for promotions out of {r.fromTier}).
    </p>
  );
}

const RADIUS_WORDS: Record<Request["risk"]["blastRadius"], string> = {
  low: "low: a mistake stays small",
  medium: "medium: a mistake reaches some customers or systems",
  high: "high: a mistake reaches many customers or systems",
  critical: "critical: a mistake is costly and wide",
};

/** The action's risk, at the top: what a wrong promotion would expose (issue 25 item 3). */
function RiskLine({ r }: { r: Request }) {
  return (
    <p className="mt-1 flex flex-wrap items-center gap-2 text-sm" data-testid="request-risk">
      <span className="font-semibold">Risk:</span>
      <span className="rounded bg-slate-100 px-2 py-0.5 text-slate-800">
        blast radius {RADIUS_WORDS[r.risk.blastRadius] ?? r.risk.blastRadius}
      </span>
      {r.risk.reversible ? (
        <span className="rounded bg-emerald-50 px-2 py-0.5 text-emerald-900">
          reversible: its effects can be undone
        </span>
      ) : (
        <span className="rounded bg-red-100 px-2 py-0.5 font-semibold text-red-900" data-testid="irreversible">
          ⚠ irreversible: what it does cannot be undone
        </span>
      )}
    </p>
  );
}
