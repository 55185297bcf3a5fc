// The review page's read model: the request as this reader may see it, and the live evidence.
import type { Db } from "@/lib/db";
import type { Role } from "@cwr/gating/types";
import { liveEvidence } from "@/lib/metrics/data";
import type { LiveEvidence } from "@/lib/metrics/evidence";
import { listComments, type CommentView } from "@/lib/comments/data";
import { requestDetail, type RequestDetail } from "./data";

export interface ReviewPage {
  request: RequestDetail;
  live: LiveEvidence;
  /** the questions and answers on it (never reviews: they say nothing of any vote) */
  comments: CommentView[];
}

export async function reviewPage(
  db: Db,
  id: string,
  reader: { id: string; role: Role },
  now = new Date(),
): Promise<ReviewPage | null> {
  const request = await requestDetail(db, id, reader);
  if (!request) return null;
  const [live, comments] = await Promise.all([liveEvidence(db, request.actionTypeId, now), listComments(db, id)]);
  return { request, live, comments };
}
