"use client";
// One request to add an internal subject to an agent's contract (a loosening): what it asks, its
// reviews as this reader may see them (blind while open: none but your own, not even a count), and
// the review form for a reviewer whose review would count. Its requester may withdraw it.
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { RationaleField } from "@/components/ui/RationaleField";
import type { ServerAction } from "@/lib/http/action";
import type { ContractRequestView } from "@/lib/contracts/data";
import type { RequestStatus } from "@cwr/gating/types";

type Review = ServerAction<
  { requestId: string; decision: "approve" | "reject"; rationale: string; snapshotHash: string },
  { status: RequestStatus; approvals: number; required: number }
>;
type Withdraw = ServerAction<{ requestId: string }, { status: RequestStatus }>;

const OUTCOME: Record<RequestStatus, string> = {
  open: "Your review is recorded; the request waits for more approvals.",
  approved: "Approved.",
  applied: "Approved by its quorum: the subject is internal now.",
  rejected: "Rejected: nothing changes.",
  withdrawn: "Withdrawn.",
  expired: "Expired.",
};

export function ContractReview(props: {
  request: ContractRequestView;
  reader: { id: string };
  review: Review;
  withdraw: Withdraw;
}) {
  const { request } = props;
  const [rationale, setRationale] = useState("");
  const review = useServerAction(props.review, (d) => {
    setRationale("");
    return OUTCOME[d.status];
  });
  const withdraw = useServerAction(props.withdraw, () => "Withdrawn.");
  const mine = request.requestedById === props.reader.id;
  const decide = (decision: "approve" | "reject") =>
    review.run({ requestId: request.id, decision, rationale, snapshotHash: request.snapshotHash });
  return (
    <article className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" aria-label="Contract request">
      <h1 className="text-lg font-semibold">
        Make <code className="font-mono">{request.entry}</code> internal for {request.agentName}{" "}
        <span className="font-mono text-sm text-slate-500">{request.agentSlug}</span>
      </h1>
      <p className="text-sm text-slate-700">
        A loosening of WALK&apos;s contract: once applied, the agent may act in WALK on subjects matching this entry.
        Asked by {request.requestedByLabel}
        {request.reason ? `: ${request.reason}` : ""}.
      </p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-sm">
        <dt className="text-slate-600">Status</dt>
        <dd data-testid="contract-request-status">{request.status}</dd>
        <dt className="text-slate-600">Approvals needed</dt>
        <dd>
          {request.reviewersRequired}, from reviewers other than the requester; one rejection closes it
          {request.approvals !== null ? ` (approvals so far: ${request.approvals})` : ""}
        </dd>
        <dt className="text-slate-600">Open until</dt>
        <dd>{new Date(request.expiresAt).toUTCString()}</dd>
      </dl>
      <section aria-label="Reviews">
        <h2 className="text-sm font-medium">Reviews</h2>
        {request.status === "open" && request.approvals === null && (
          <p className="text-xs text-slate-600">Reviews are blind: others&apos; reviews show once you have reviewed.</p>
        )}
        <ul className="mt-1 space-y-1 text-sm">
          {request.reviews.map((v) => (
            <li key={`${v.reviewerId}-${v.at}`}>
              <strong>{v.reviewer}</strong> {v.decision === "approve" ? "approved" : "rejected"}: {v.rationale}
            </li>
          ))}
        </ul>
      </section>
      {request.awaitsYou && (
        <section className="space-y-1" aria-label="Your review">
          <RationaleField label="Why? (your rationale)" value={rationale} onChange={setRationale} />
          <div className="flex gap-1">
            <Button disabled={review.pending} onClick={() => decide("approve")}>
              Approve
            </Button>
            <Button variant="danger" disabled={review.pending} onClick={() => decide("reject")}>
              Reject
            </Button>
          </div>
        </section>
      )}
      {mine && request.status === "open" && (
        <div className="text-sm">
          <p className="text-xs text-slate-600">You asked for this: reviewers other than you decide it.</p>
          <Button variant="danger" disabled={withdraw.pending} onClick={() => withdraw.run({ requestId: request.id })}>
            Withdraw
          </Button>
        </div>
      )}
      <ResultMessage message={review.message ?? withdraw.message} />
    </article>
  );
}
