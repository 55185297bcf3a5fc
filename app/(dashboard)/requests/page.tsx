import { z } from "zod";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listRequests } from "@/lib/requests/data";
import { REQUEST_STATUSES } from "@/lib/gating/types";
import { RequestsList } from "@/components/RequestsList";

export const dynamic = "force-dynamic";

const search = z.object({ status: z.enum([...REQUEST_STATUSES, "all"]).catch("open").default("open"), action: z.uuid().optional().catch(undefined) });

export default async function RequestsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser("dashboard:read", "/requests");
  const { status, action } = search.parse(await searchParams);
  const rows = await listRequests(await getDb(), { ...(status !== "all" ? { status } : {}), ...(action ? { actionTypeId: action } : {}) });
  return (
    <section>
      <h1 className="mb-1 text-xl font-semibold">Requests</h1>
      <p className="mb-4 text-sm text-slate-600">Promotions, overrides and policy loosenings waiting for, or decided by, review.</p>
      <RequestsList initial={rows} status={status} action={action ?? null} />
    </section>
  );
}
