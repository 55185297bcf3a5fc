import { z } from "zod";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listRequests } from "@/lib/requests/data";
import { REQUEST_STATUSES } from "@/lib/gating/types";
import { RequestsList } from "@/components/RequestsList";
import { RoleGrants } from "@/components/RoleGrants";
import { listOpenRoleGrants } from "@/lib/users/data";
import { can } from "@/lib/auth/permissions";
import { decideRoleGrantAction } from "../role-grant-actions";

export const dynamic = "force-dynamic";

const search = z.object({ status: z.enum([...REQUEST_STATUSES, "all"]).catch("open").default("open"), action: z.uuid().optional().catch(undefined) });

export default async function RequestsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser("dashboard:read", "/requests");
  const { status, action } = search.parse(await searchParams);
  const db = await getDb();
  const grants = can(user.role, "request:review") ? await listOpenRoleGrants(db) : [];
  const rows = await listRequests(db, { ...(status !== "all" ? { status } : {}), ...(action ? { actionTypeId: action } : {}) });
  return (
    <section>
      <h1 className="mb-1 text-xl font-semibold">Requests</h1>
      <p className="mb-4 text-sm text-slate-600">Promotions, overrides and policy loosenings waiting for, or decided by, review.</p>
      <RoleGrants grants={grants} readerId={user.id} decide={decideRoleGrantAction} />
      <RequestsList initial={rows} status={status} action={action ?? null} />
    </section>
  );
}
