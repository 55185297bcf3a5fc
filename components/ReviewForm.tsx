"use client";
// The blind reviews of a request and the reviewer's form: a written rationale, Approve, and a
// rejection that takes a second, explicit click. The form resets after a recorded review, so one
// click records one review (SPEC §3 rule 11).
import { useState } from "react";
import type { ReviewPage } from "@/lib/requests/review-page";
import { Card } from "@/components/ui/States";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import type { ServerAction } from "@/lib/http/action";
import { MIN_RATIONALE_LENGTH, rationaleLength } from "@cwr/gating/rationale";
import { formatDateTime } from "@/components/format";
import type { ReviewRequestInput as ReviewInput } from "@/lib/requests/schema";

/** What the card reads of a recorded review (the page's action must return at least this). */
export type Reviewed = { status: string; applyRefusal: string | null };

export function ReviewsCard({
  r,
  reader,
  review: reviewAction,
}: {
  r: ReviewPage["request"];
  reader: { id: string; canReview: boolean };
  review: ServerAction<ReviewInput, Reviewed>;
}) {
  const [rationale, setRationale] = useState("");
  // The form resets after a recorded review, so one click records one review (SPEC §3 rule 11).
  // A rejection closes the request for good: it takes a second, explicit click.
  const [confirmReject, setConfirmReject] = useState(false);
  const review = useServerAction(reviewAction, (r) => {
    setRationale("");
    return r.applyRefusal
      ? {
          kind: "error" as const,
          text: `Review recorded and the request is approved, but it could not be applied: ${r.applyRefusal}`,
        }
      : `Review recorded. The request is now ${r.status}.`;
  });
  const isRequester = r.requesterId === reader.id;
  const reviewedCurrent = r.mine.some((m) => !m.stale);
  const outsidePool = r.pool !== null && !r.pool.readerInPool;
  const canReviewNow = reader.canReview && r.status === "open" && !isRequester && !reviewedCurrent && !outsidePool;
  const remaining = Math.max(0, MIN_RATIONALE_LENGTH - rationaleLength(rationale));
  return (
    <Card title="Reviews">
      {r.reviews === null ? (
        <p className="text-sm text-slate-600" data-testid="reviews-hidden">
          Reviews are blind: they, and how many there are, stay hidden until{" "}
          {reader.canReview && r.requesterId !== reader.id && !outsidePool ? "you submit yours" : "the request closes"}.
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
              : !reader.canReview
                ? "Your role cannot review requests."
                : ""}
        </p>
      )}
      {reader.canReview && !isRequester && r.status === "open" && outsidePool && r.pool && (
        <p className="mt-2 rounded bg-amber-50 px-2 py-1 text-sm text-amber-900" data-testid="not-in-pool">
          You are not in this tier&apos;s reviewer pool, so you cannot approve or reject this request: the policy lets
          only {r.pool.described} approve promotions out of {r.fromTier}. You can still ask a question.
        </p>
      )}
      <ResultMessage message={review.message} />
    </Card>
  );
}
