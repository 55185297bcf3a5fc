import type { Metadata } from "next";
import { z } from "zod";
import { requirePageUser } from "@/lib/auth/session";
import { can } from "@cwr/gating/permissions";
import { getDb } from "@/lib/db";
import { requestsScreen } from "@/lib/requests/inbox";
import { requestsQuerySchema } from "@/lib/requests/schema";
import { RequestsList } from "@/components/RequestsList";
import { RoleGrants } from "@/components/RoleGrants";
import { listOpenRoleGrants } from "@/lib/users/data";
import { decideRoleGrantAction } from "../role-grant-actions";
import { ContractRequests } from "@/components/admin/ContractPanel";
import { openContractRequests } from "@/lib/contracts/data";

export const dynamic = "force-dynamic";

// The route's query, read leniently: an unreadable parameter falls back to the default tab.
const search = z.object({
  status: requestsQuerySchema.shape.status.catch(undefined),
  action: requestsQuerySchema.shape.action.catch(undefined),
});

const TAB_TITLES: Record<string, string> = { awaiting: "Awaiting my review", all: "All requests" };

export async function generateMetadata({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}): Promise<Metadata> {
  const status = search.parse(await searchParams).status;
  return {
    title: status
      ? `${TAB_TITLES[status] ?? `${status[0]!.toUpperCase()}${status.slice(1)} requests`} · Requests`
      : "Requests",
  };
}

export default async function RequestsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePageUser("dashboard:read", "/requests");
  const parsed = search.parse(await searchParams);
  const reviewer = can(user.role, "request:review");
  // Reviewers land on what waits for them; everyone else on what is open.
  const status =
    parsed.status === "awaiting" && !reviewer ? "open" : (parsed.status ?? (reviewer ? "awaiting" : "open"));
  const db = await getDb();
  const grants = reviewer ? await listOpenRoleGrants(db) : [];
  const contractRequests = reviewer ? await openContractRequests(db, user) : [];
  const screen = await requestsScreen(db, user, status, parsed.action);
  return (
    <section>
      <h1 className="mb-1 text-xl font-semibold">Requests</h1>
      <p className="mb-4 text-sm text-slate-600">
        Promotions, overrides and policy loosenings waiting for, or decided by, review.
      </p>
      <RoleGrants grants={grants} readerId={user.id} decide={decideRoleGrantAction} />
      <ContractRequests requests={contractRequests} />
      <RequestsList initial={screen} status={status} action={parsed.action ?? null} reviewer={reviewer} />
    </section>
  );
}
