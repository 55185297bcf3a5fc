import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listOverview } from "@/lib/action-types/data";
import { TierBadge } from "@/components/TierBadge";
import { formatDuration } from "@/components/format";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requirePageUser("dashboard:read", "/");
  const rows = await listOverview(await getDb());
  return (
    <section>
      <h1 className="text-xl font-semibold">Overview</h1>
      <p className="mb-4 text-sm text-slate-600">Every agent × action type, the tier it holds and for how long.</p>
      {rows.length === 0 ? (
        <p className="rounded border border-dashed border-slate-300 p-6 text-slate-600">No action types yet. An admin can add agents and action types.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm" data-testid="overview-table">
            <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
              <tr>
                <th className="px-3 py-2">Agent</th>
                <th className="px-3 py-2">Action type</th>
                <th className="px-3 py-2">Blast radius</th>
                <th className="px-3 py-2">Tier</th>
                <th className="px-3 py-2">Time in tier</th>
                <th className="px-3 py-2">Open requests</th>
                <th className="px-3 py-2">Last demotion</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-t border-slate-100" data-testid="overview-row" data-action-key={r.key}>
                  <td className="px-3 py-2">{r.agentName}<div className="text-xs text-slate-500">{r.agentSlug}</div></td>
                  <td className="px-3 py-2"><code>{r.key}</code><div className="text-xs text-slate-500">{r.name}</div></td>
                  <td className="px-3 py-2">{r.blastRadius}{r.reversible ? "" : " · irreversible"}</td>
                  <td className="px-3 py-2"><TierBadge tier={r.tier} frozen={r.frozen} /></td>
                  <td className="px-3 py-2">{formatDuration(r.tierSince)}</td>
                  <td className="px-3 py-2">{r.openRequests}</td>
                  <td className="px-3 py-2">{r.lastDemotionAt ? `${formatDuration(r.lastDemotionAt)} ago` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
