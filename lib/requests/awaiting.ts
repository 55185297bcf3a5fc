// Everything waiting for this person's review, counted once for the navigation's badge and the
// "Awaiting my review" tab: promotions, overrides and policy loosenings, contract additions, and
// grants of review power (issue 25: grants were left out). One function, so the two cannot disagree.
import type { Db } from "@/lib/db";
import type { Role } from "@cwr/gating/types";
import { can } from "@cwr/gating/permissions";
import { countContractRequestsAwaiting } from "@/lib/contracts/data";
import { listRoleGrantsAwaiting } from "@/lib/users/data";
import { listAwaitingReview, type RequestSummary } from "./data";

export interface AwaitingYou {
  /** review requests awaiting this reader, oldest first (the tab's rows) */
  requests: RequestSummary[];
  contractAdditions: number;
  roleGrants: number;
  total: number;
}

export async function awaitingYou(
  db: Db,
  reader: { id: string; role: Role },
  filter: { actionTypeId?: string } = {},
): Promise<AwaitingYou> {
  if (!can(reader.role, "request:review")) return { requests: [], contractAdditions: 0, roleGrants: 0, total: 0 };
  const requests = await listAwaitingReview(db, reader, filter);
  // Contract additions and grants belong to no action type: a tab scoped to one counts only its requests.
  if (filter.actionTypeId) return { requests, contractAdditions: 0, roleGrants: 0, total: requests.length };
  const contractAdditions = await countContractRequestsAwaiting(db, reader);
  const roleGrants = (await listRoleGrantsAwaiting(db, reader)).length;
  return { requests, contractAdditions, roleGrants, total: requests.length + contractAdditions + roleGrants };
}
