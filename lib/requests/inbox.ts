// The requests screen's one read: the rows of a tab, the count on every tab, and how many wait for
// this reader's review. The page and its live route share it, so they cannot disagree.
import type { Db } from "@/lib/db";
import type { RequestStatus, Role } from "@cwr/gating/types";
import { countRequestsByStatus, listRequests, type RequestSummary } from "./data";
import { awaitingYou } from "./awaiting";
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
  const [byStatus, awaiting] = await Promise.all([countRequestsByStatus(db, scope), awaitingYou(db, reader, scope)]);
  const rows =
    tab === "awaiting"
      ? awaiting.requests
      : await listRequests(db, reader, { ...scope, ...(tab !== "all" ? { status: tab } : {}) });
  const all = Object.values(byStatus).reduce((a, b) => a + b, 0);
  // The tab counts what the badge counts (grants and contract additions are listed above the tabs).
  return { rows, counts: { ...byStatus, all, awaiting: awaiting.total } };
}
