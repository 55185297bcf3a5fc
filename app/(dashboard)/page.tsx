import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { can } from "@cwr/gating/permissions";
import { getDb } from "@/lib/db";
import { listOverviewPage } from "@/lib/action-types/data";
import { overviewQueryOf } from "@/lib/action-types/schema";
import { OverviewTable } from "@/components/OverviewTable";
import { demoteAction, freezeAction } from "./tier-actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePageUser("dashboard:read", "/");
  const query = overviewQueryOf(await searchParams);
  const page = await listOverviewPage(await getDb(), query);
  return (
    <section>
      <h1 className="text-xl font-semibold">Overview</h1>
      <p className="mb-4 text-sm text-slate-600">
        Every agent × action type: the tier it holds, its health against the bars (dashed: promotion green, demotion
        red) and what stands between it and the next tier.
      </p>
      <OverviewTable
        initial={page}
        initialQuery={query}
        canAct={can(user.role, "tier:demote")}
        demote={demoteAction}
        freeze={freezeAction}
      />
    </section>
  );
}
