import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requirePageUser } from "@/lib/auth/session";
import { can } from "@cwr/gating/permissions";
import { getDb } from "@/lib/db";
import { reviewPage } from "@/lib/requests/review-page";
import { requestTitle } from "@/lib/requests/data";
import { ReviewView } from "@/components/ReviewView";
import { ReplayChart } from "@/components/ReplayChart";
import { replaySummary } from "@/lib/replay/summary";
import { AppError } from "@/lib/errors";
import { applyAction, commentAction, reviewAction, withdrawAction } from "../../request-actions";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  const r = z.uuid().safeParse(id).success ? await requestTitle(await getDb(), id) : null;
  return {
    title: r
      ? `${r.kind === "policy_change" ? `Loosening of ${r.actionKey}` : `${r.actionKey}: ${r.fromTier} → ${r.toTier}`} · Request`
      : "Request",
  };
}

/** Another replay is running on this server (one at a time): the page says so instead of failing. */
function replayBusy(e: unknown): { busy: string } {
  if (e instanceof AppError && e.code === "rate_limited")
    return { busy: "The what-if replay is busy with another request; reload the page in a moment to see it." };
  throw e;
}

export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser("dashboard:read", `/requests/${id}`);
  if (!z.uuid().safeParse(id).success) notFound();
  const page = await reviewPage(await getDb(), id, user);
  if (!page) notFound();
  // A loosening is judged beside its what-if replay over the recorded outcomes (SPEC §7).
  const replay =
    page.request.kind === "policy_change" && page.request.proposedRules
      ? await replaySummary(await getDb(), page.request.actionTypeId, page.request.proposedRules).catch(replayBusy)
      : null;
  return (
    <>
      <ReviewView
        initial={page}
        reader={{
          id: user.id,
          canReview: can(user.role, "request:review"),
          canManage: can(user.role, "request:manage"),
          canComment: can(user.role, "request:comment"),
        }}
        review={reviewAction}
        comment={commentAction}
        withdraw={withdrawAction}
        apply={applyAction}
        replay={
          replay &&
          ("busy" in replay ? (
            <p className="text-sm text-slate-700" data-testid="replay-busy">
              {replay.busy}
            </p>
          ) : (
            <ReplayChart summary={replay} title="What-if replay of the proposed policy" />
          ))
        }
      />
    </>
  );
}
