import { requirePageUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { listAudit } from "@/lib/audit/data";
import { auditQuerySchema, toAuditFilter } from "@/lib/audit/schema";
import { listAgents } from "@/lib/agents/data";
import { listOverview } from "@/lib/action-types/data";
import { AuditTable } from "@/components/AuditLog";

export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser("audit:read", "/audit");
  const raw = Object.fromEntries(Object.entries(await searchParams).filter(([k, v]) => typeof v === "string" && v !== "" && k !== "format")) as Record<string, string>;
  const parsed = auditQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : {};
  const db = await getDb();
  const initial = await listAudit(db, toAuditFilter(query), query.before ? { before: BigInt(query.before) } : {});
  const agents = await listAgents(db);
  const actionTypes = await listOverview(db);
  const qs = new URLSearchParams(parsed.success ? raw : {}).toString();
  const field = "rounded border border-slate-300 px-2 py-1 text-sm";
  return (
    <section className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Audit log</h1>
        <p className="text-sm text-slate-600">Every state change, append-only and hash-chained: each entry carries the SHA-256 of its content and of the entry before it.</p>
      </div>
      {!parsed.success && <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">Some filters were not valid and were ignored.</p>}
      <form method="get" className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3" aria-label="Filters">
        <label className="flex flex-col text-xs">Agent
          <select name="agent" defaultValue={query.agent ?? ""} className={field}>
            <option value="">Any</option>
            {agents.map((a) => <option key={a.id} value={a.id}>{a.slug}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-xs">Action type
          <select name="actionType" defaultValue={query.actionType ?? ""} className={field}>
            <option value="">Any</option>
            {actionTypes.map((a) => <option key={a.id} value={a.id}>{a.agentSlug} / {a.key}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-xs">Actor
          <input name="actor" defaultValue={query.actor ?? ""} placeholder="email, agent, detector" className={field} />
        </label>
        <label className="flex flex-col text-xs">Kind
          <input name="kind" defaultValue={query.kind ?? ""} placeholder="e.g. tier. or request." className={field} />
        </label>
        <label className="flex flex-col text-xs">From
          <input type="date" name="from" defaultValue={query.from?.slice(0, 10) ?? ""} className={field} />
        </label>
        <label className="flex flex-col text-xs">To
          <input type="date" name="to" defaultValue={query.to?.slice(0, 10) ?? ""} className={field} />
        </label>
        <button className="rounded bg-slate-900 px-3 py-1.5 text-sm text-white">Filter</button>
        <a href="/audit" className="px-2 py-1.5 text-sm underline">Clear</a>
      </form>
      <AuditTable initial={initial} queryString={qs} canExport={can(user.role, "audit:export")} />
    </section>
  );
}
