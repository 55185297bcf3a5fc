// The requests screen's one read: the rows of a tab, the count on every tab, and how many wait for
// this reader's review. The page and its live route share it, so they cannot disagree.
import type { Db } from "@/lib/db";
import type { RequestStatus, Role } from "@cwr/gating/types";
import { countRequestsByStatus, listAwaitingReview, listRequests, type RequestSummary } from "./data";
import type { REQUEST_TABS } from "./schema";

export type RequestTab = (typeof REQUEST_TABS)[number];

export interface RequestsScreen {
  rows: RequestSummary[];
  counts: Record<RequestStatus, number> & { all: number; awaiting: number };
}

export async function requestsScreen(
  db: Db,
  reader: { id: string; role: Role },
  tab: RequestTab,
  actionTypeId?: string,
): Promise<RequestsScreen> {
  const scope = actionTypeId ? { actionTypeId } : {};
  const [byStatus, awaiting] = await Promise.all([
    countRequestsByStatus(db, scope),
    listAwaitingReview(db, reader, scope),
  ]);
  const rows =
    tab === "awaiting"
      ? awaiting
      : await listRequests(db, reader, { ...scope, ...(tab !== "all" ? { status: tab } : {}) });
  const all = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return { rows, counts: { ...byStatus, all, awaiting: awaiting.length } };
}
