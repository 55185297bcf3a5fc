// The review page's read model: the request as this reader may see it, and the live evidence.
import type { Db } from "@/lib/db";
import type { Role } from "@cwr/gating/types";
import { liveEvidence } from "@/lib/metrics/data";
import type { LiveEvidence } from "@/lib/metrics/evidence";
import { requestDetail, type RequestDetail } from "./data";

export interface ReviewPage {
  request: RequestDetail;
  live: LiveEvidence;
}

export async function reviewPage(
  db: Db,
  id: string,
  reader: { id: string; role: Role },
  now = new Date(),
): Promise<ReviewPage | null> {
  const request = await requestDetail(db, id, reader);
  if (!request) return null;
  return { request, live: await liveEvidence(db, request.actionTypeId, now) };
}
