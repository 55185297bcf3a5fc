"use client";
import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import type { ReviewPage } from "@/lib/requests/review-page";
import { fetchJson } from "@/components/ui/fetchJson";
import { Card, ErrorNote } from "@/components/ui/States";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import type { ServerAction } from "@/lib/http/action";
import { EvidenceColumn } from "@/components/EvidenceColumn";
import { policyChangeInWords } from "@cwr/gating/plain-words";
import type { ReviewRequestInput as ReviewInput } from "@/lib/requests/schema";
import { QuorumCard, RequestHeader } from "@/components/RequestHeader";
import { ReviewsCard, type Reviewed } from "@/components/ReviewForm";
import { RequestComments } from "@/components/RequestComments";
import type { CommentInput } from "@/lib/comments/schema";

/** What the page reads of an apply (the action the page passes must return at least this). */
type Applied = { refusal: { message: string } | null };

export function ReviewView(props: {
  initial: ReviewPage;
  reader: { id: string; canReview: boolean; canManage: boolean; canComment: boolean };
  review: ServerAction<ReviewInput, Reviewed>;
  comment: ServerAction<CommentInput, unknown>;
  withdraw: ServerAction<{ requestId: string }, unknown>;
  apply: ServerAction<{ requestId: string }, Applied>;
  /** the what-if replay of a proposed policy: shown beside the proposed change, above Approve/Reject */
  replay?: ReactNode;
}) {
  const q = useQuery({
    queryKey: ["request", props.initial.request.id],
    queryFn: () => fetchJson<ReviewPage>(`/api/dashboard/requests/${props.initial.request.id}`),
    initialData: props.initial,
  });
  const { request: r, live, comments } = q.data;
  const withdraw = useServerAction(props.withdraw, () => "Request withdrawn.");
  const apply = useServerAction(props.apply, ({ refusal }) =>
    refusal ? { kind: "error" as const, text: `Not applied: ${refusal.message}` } : "Applied.",
  );
  const isRequester = r.requesterId === props.reader.id;
  return (
    <div className="space-y-4">
      <RequestHeader r={r} fetching={q.isFetching} />
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
      {props.replay}
      <QuorumCard r={r} reader={props.reader} />
      <div className="grid gap-4 md:grid-cols-2">
        <EvidenceColumn title="Pinned snapshot (what you judge)" e={r.snapshot} testId="pinned" />
        <EvidenceColumn title="Live now" e={live} testId="live" ignoreOpenRequest />
      </div>
      <RequestComments
        requestId={r.id}
        comments={comments}
        canComment={props.reader.canComment}
        comment={props.comment}
      />
      <ReviewsCard r={r} reader={props.reader} review={props.review} />
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
