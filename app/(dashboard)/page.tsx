import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { listOverview } from "@/lib/action-types/data";
import { OverviewTable } from "@/components/OverviewTable";
import { demoteAction, freezeAction } from "./tier-actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const user = await requirePageUser("dashboard:read", "/");
  const rows = await listOverview(await getDb());
  return (
    <section>
      <h1 className="text-xl font-semibold">Overview</h1>
      <p className="mb-4 text-sm text-slate-600">
        Every agent × action type: the tier it holds, its health against the bars (dashed: promotion green, demotion red) and what stands between it and the next tier.
      </p>
      <OverviewTable initial={rows} canAct={can(user.role, "tier:demote")} demote={demoteAction} freeze={freezeAction} />
    </section>
  );
}
