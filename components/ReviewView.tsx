"use client";
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { ReviewPage } from "@/lib/requests/review-page";
import { fetchJson } from "@/components/ui/fetchJson";
import { Card, ErrorNote, LiveDot } from "@/components/ui/States";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import type { ServerAction } from "@/lib/http/action";
import { MIN_RATIONALE_LENGTH, rationaleLength } from "@/lib/gating/reviews";
import { displayStatus, KindBadge, StatusBadge } from "@/components/RequestTable";
import { EvidenceColumn } from "@/components/EvidenceColumn";
import { formatDateTime } from "@/components/format";
import { policyChangeInWords } from "@/lib/gating/plain-words";
import { ActionName, AgentName } from "@/components/Names";
import { TierBadge } from "@/components/TierBadge";
import type { ReviewRequestInput as ReviewInput } from "@/lib/requests/schema";

/** What the page reads of each outcome (the actions the page passes must return at least this). */
type Reviewed = { status: string; applyRefusal: string | null };
type Applied = { refusal: { message: string } | null };

export function ReviewView(props: {
  initial: ReviewPage;
  reader: { id: string; canReview: boolean; canManage: boolean };
  review: ServerAction<ReviewInput, Reviewed>;
  withdraw: ServerAction<{ requestId: string }, unknown>;
  apply: ServerAction<{ requestId: string }, Applied>;
}) {
  const q = useQuery({
    queryKey: ["request", props.initial.request.id],
    queryFn: () => fetchJson<ReviewPage>(`/api/dashboard/requests/${props.initial.request.id}`),
    initialData: props.initial,
  });
  const { request: r, live } = q.data;
  const [rationale, setRationale] = useState("");
  // The form resets after a recorded review, so one click records one review (SPEC §3 rule 11).
  // A rejection closes the request for good: it takes a second, explicit click.
  const [confirmReject, setConfirmReject] = useState(false);
  const review = useServerAction(props.review, (r) => {
    setRationale("");
    return r.applyRefusal
      ? {
          kind: "error" as const,
          text: `Review recorded and the request is approved, but it could not be applied: ${r.applyRefusal}`,
        }
      : `Review recorded. The request is now ${r.status}.`;
  });
  const withdraw = useServerAction(props.withdraw, () => "Request withdrawn.");
  const apply = useServerAction(props.apply, ({ refusal }) =>
    refusal ? { kind: "error" as const, text: `Not applied: ${refusal.message}` } : "Applied.",
  );
  const isRequester = r.requesterId === props.reader.id;
  const reviewedCurrent = r.mine.some((m) => !m.stale);
  const canReviewNow = props.reader.canReview && r.status === "open" && !isRequester && !reviewedCurrent;
  const pct = Math.min(100, (r.tally.approvals / r.reviewersRequired) * 100);
  const remaining = Math.max(0, MIN_RATIONALE_LENGTH - rationaleLength(rationale));
  return (
    <div className="space-y-4">
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
          <LiveDot fetching={q.isFetching} />
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
        {r.kind === "promotion" && r.justification && (
          <p className="mt-1 rounded bg-slate-50 px-2 py-1 text-sm text-slate-800" data-testid="requester-note">
            <span className="font-semibold">Note from {r.requester}:</span> {r.justification}
          </p>
        )}
      </header>
      {q.isError && <ErrorNote error={q.error} />}
      {r.kind === "override" && (
        <div
          className="rounded border-2 border-purple-700 bg-purple-50 p-3 text-sm text-purple-950"
          data-testid="override-banner"
        >
          <strong>⚠ Override.</strong> This promotes against an unmet bar. It needs {r.reviewersRequired} approvals (one
          more than usual) and stays marked in the history forever.
          <div className="mt-1">
            <span className="font-semibold">Justification:</span> {r.justification}
          </div>
        </div>
      )}
      {r.kind === "policy_change" && r.proposedRules && (
        <Card title={`Proposed changes to policy v${r.policyVersion}`}>
          <ul className="list-disc pl-5 text-sm">
            {r.policyChanges.map((c) => (
              <li key={c.path} className={c.direction === "loosen" ? "text-amber-800" : "text-emerald-800"}>
                <span title={c.path}>{policyChangeInWords(c).text}</span> (
                {c.direction === "loosen" ? "loosens" : "tightens"})
              </li>
            ))}
          </ul>
          {r.justification && (
            <p className="mt-2 text-sm">
              <span className="font-semibold">Reason:</span> {r.justification}
            </p>
          )}
        </Card>
      )}
      <Card title="Quorum">
        <div
          className="mb-1 h-3 w-full rounded bg-slate-100"
          role="progressbar"
          aria-label="Approvals toward quorum"
          aria-valuemin={0}
          aria-valuemax={r.reviewersRequired}
          aria-valuenow={Math.min(r.tally.approvals, r.reviewersRequired)}
          aria-valuetext={`${r.tally.approvals} of ${r.reviewersRequired} approvals`}
          data-testid="quorum"
        >
          <div className="h-3 rounded bg-emerald-500" style={{ width: `${pct}%` }} />
        </div>
        <p className="text-sm">
          {r.tally.approvals} of {r.reviewersRequired} approvals on the current snapshot
          {r.tally.staleApprovals ? ` (${r.tally.staleApprovals} given on an earlier snapshot no longer count)` : ""};
          any rejection closes the request.
        </p>
        <p className="mt-1 text-xs text-slate-500">
          Snapshot SHA-256 <code>{r.snapshotHash}</code>
        </p>
      </Card>
      <div className="grid gap-4 md:grid-cols-2">
        <EvidenceColumn title="Pinned snapshot (what you judge)" e={r.snapshot} testId="pinned" />
        <EvidenceColumn title="Live now" e={live} testId="live" ignoreOpenRequest />
      </div>
      <Card title="Reviews">
        {r.reviews === null ? (
          <p className="text-sm text-slate-600" data-testid="reviews-hidden">
            Reviews are blind: {r.reviewCount} review(s) so far are hidden until you submit yours
            {props.reader.canReview ? "" : " (or until the request closes)"}.
          </p>
        ) : r.reviews.length === 0 ? (
          <p className="text-sm text-slate-600">No reviews yet.</p>
        ) : (
          <ul className="space-y-2 text-sm" data-testid="reviews">
            {r.reviews.map((v, i) => (
              <li key={i} className="border-l-2 border-slate-200 pl-2">
                <span
                  className={v.decision === "approve" ? "font-semibold text-emerald-800" : "font-semibold text-red-700"}
                >
                  {v.decision}
                </span>{" "}
                by {v.reviewer} · {formatDateTime(v.createdAt)}
                {v.stale ? " · on an earlier snapshot" : ""}
                <div className="text-slate-700">{v.rationale}</div>
              </li>
            ))}
          </ul>
        )}
        {canReviewNow && (
          <div className="mt-3 border-t border-slate-200 pt-3" data-testid="review-form">
            <label className="block text-sm font-medium">
              Your rationale (required, at least 20 characters)
              <textarea
                value={rationale}
                onChange={(e) => setRationale(e.target.value)}
                rows={3}
                className="mt-1 w-full rounded border border-slate-300 p-2"
              />
            </label>
            <p className="text-xs text-slate-500">
              {remaining > 0 ? `${remaining} more visible character(s) needed.` : "OK."}
            </p>
            <div className="mt-2 flex gap-2">
              <Button
                disabled={review.pending}
                onClick={() =>
                  review.run({ requestId: r.id, decision: "approve", rationale, snapshotHash: r.snapshotHash })
                }
              >
                Approve
              </Button>
              {!confirmReject && (
                <Button
                  variant="danger"
                  disabled={review.pending}
                  onClick={() => {
                    setConfirmReject(true);
                    review.setMessage(null);
                  }}
                >
                  Reject…
                </Button>
              )}
            </div>
            {confirmReject && (
              <div
                role="group"
                aria-label="Confirm rejection"
                className="mt-2 rounded border border-red-300 bg-red-50 p-2 text-sm"
              >
                <p className="font-medium text-red-900">
                  Reject this request? A rejection closes it at once for everyone; the requester must open a new one.
                </p>
                <div className="mt-1 flex gap-2">
                  <Button
                    variant="danger"
                    disabled={review.pending}
                    onClick={() => {
                      setConfirmReject(false);
                      review.run({ requestId: r.id, decision: "reject", rationale, snapshotHash: r.snapshotHash });
                    }}
                  >
                    Confirm reject
                  </Button>
                  <Button variant="secondary" onClick={() => setConfirmReject(false)}>
                    Cancel
                  </Button>
                </div>
              </div>
            )}
          </div>
        )}
        {!canReviewNow && r.status === "open" && (
          <p className="mt-2 text-xs text-slate-500">
            {isRequester
              ? "You opened this request, so you cannot review it."
              : reviewedCurrent
                ? "You have reviewed this snapshot."
                : !props.reader.canReview
                  ? "Your role cannot review requests."
                  : ""}
          </p>
        )}
        <ResultMessage message={review.message} />
      </Card>
      {props.reader.canManage && ((isRequester && r.status === "open") || r.status === "approved") && (
        <Card title="Manage">
          <div className="flex gap-2">
            {isRequester && r.status === "open" && (
              <Button variant="secondary" disabled={withdraw.pending} onClick={() => withdraw.run({ requestId: r.id })}>
                Withdraw
              </Button>
            )}
            {r.status === "approved" && (
              <Button disabled={apply.pending} onClick={() => apply.run({ requestId: r.id })}>
                Try to apply again
              </Button>
            )}
          </div>
        </Card>
      )}
      <ResultMessage message={withdraw.message ?? apply.message} />
    </div>
  );
}
