import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { can } from "@cwr/gating/permissions";
import { getDb } from "@/lib/db";
import { listAudit } from "@/lib/audit/data";
import { AppError } from "@/lib/errors";
import { auditQuerySchema, toAuditFilter } from "@/lib/audit/schema";
import { AUDIT_KIND_GROUPS } from "@/lib/audit/kinds";
import { listAgents } from "@/lib/agents/data";
import { listOverview } from "@/lib/action-types/data";
import { AuditTable } from "@/components/AuditLog";
import { WitnessPanel } from "@/components/WitnessPanel";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit log" };

const field = "rounded border border-slate-300 px-2 py-1 text-sm";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePageUser("audit:read", "/audit");
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(([k, v]) => typeof v === "string" && v !== "" && k !== "format"),
  ) as Record<string, string>;
  const parsed = auditQuerySchema.safeParse(raw);
  // Ingestion is 90%+ of the log and sign-ins crowd what is left: both hidden unless asked for, so the
  // state changes are what one sees (the export links carry the same choice).
  const query = { ingestion: "hide" as const, signins: "hide" as const, ...(parsed.success ? parsed.data : {}) };
  const db = await getDb();
  const filter = toAuditFilter(query);
  // A cursor from another server (or a stale secret) starts again from the newest page.
  const initial = await listAudit(db, filter, { before: query.before }).catch((e: unknown) => {
    if (e instanceof AppError) return listAudit(db, filter);
    throw e;
  });
  const agents = await listAgents(db);
  const actionTypes = await listOverview(db);
  const qs = new URLSearchParams({
    ...(parsed.success ? raw : {}),
    ingestion: query.ingestion,
    signins: query.signins,
  }).toString();
  const listed = AUDIT_KIND_GROUPS.some((g) => g.prefix === query.kind || g.kinds.some((k) => k.kind === query.kind));
  return (
    <section className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Audit log</h1>
        <p className="text-sm text-slate-600">
          Every state change, append-only and hash-chained: each entry carries the SHA-256 of its content and of the
          entry before it. Filters combine (each one narrows) and live in the address, so a filtered view can be
          bookmarked or sent.
        </p>
      </div>
      {!parsed.success && (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          Some filters were not valid and were ignored.
        </p>
      )}
      <form
        method="get"
        className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3"
        aria-label="Filters"
      >
        <div className="flex flex-col text-xs">
          <label htmlFor="audit-agent">Agent</label>
          <select id="audit-agent" name="agent" defaultValue={query.agent ?? ""} className={field}>
            <option value="">Any</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.slug})
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col text-xs">
          <label htmlFor="audit-actionType">Action type</label>
          <select id="audit-actionType" name="actionType" defaultValue={query.actionType ?? ""} className={field}>
            <option value="">Any</option>
            {actionTypes.map((a) => (
              <option key={a.id} value={a.id}>
                {a.agentSlug} / {a.key}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col text-xs">
          <label htmlFor="audit-actor">Actor</label>
          <input
            id="audit-actor"
            name="actor"
            defaultValue={query.actor ?? ""}
            placeholder="email, agent, detector"
            className={field}
          />
        </div>
        <div className="flex flex-col text-xs">
          <label htmlFor="audit-kind">Kind</label>
          <select
            id="audit-kind"
            name="kind"
            defaultValue={query.kind ?? ""}
            className={field}
            data-testid="kind-filter"
          >
            <option value="">Any</option>
            {!listed && query.kind && <option value={query.kind}>{query.kind}</option>}
            {AUDIT_KIND_GROUPS.map((g) => (
              <optgroup key={g.label} label={g.label}>
                {g.prefix && (
                  <option value={g.prefix}>
                    All {g.label.toLowerCase()} ({g.prefix}*)
                  </option>
                )}
                {g.kinds.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {g.prefix ? `${g.label}: ` : ""}
                    {k.label} ({k.kind})
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="flex flex-col text-xs">
          <label htmlFor="audit-from">From</label>
          <input
            type="date"
            id="audit-from"
            name="from"
            defaultValue={query.from?.slice(0, 10) ?? ""}
            className={field}
          />
        </div>
        <div className="flex flex-col text-xs">
          <label htmlFor="audit-to">To</label>
          <input type="date" id="audit-to" name="to" defaultValue={query.to?.slice(0, 10) ?? ""} className={field} />
        </div>
        <ModeSelect id="audit-ingestion" label="Outcomes reported by agents" name="ingestion" value={query.ingestion} />
        <ModeSelect id="audit-signins" label="Sign-ins and sign-outs" name="signins" value={query.signins} />
        <button className="rounded bg-slate-900 px-3 py-1.5 text-sm text-white">Filter</button>
        <a href="/audit" className="px-2 py-1.5 text-sm underline">
          Clear
        </a>
      </form>
      <WitnessPanel canManage={can(user.role, "admin:manage")} />
      <AuditTable initial={initial} queryString={qs} canExport={can(user.role, "audit:export")} />
    </section>
  );
}

/** A kind of frequent entry hidden, shown with the rest, or shown alone (ingestion, sign-ins). */
function ModeSelect({ id, label, name, value }: { id: string; label: string; name: string; value?: string }) {
  return (
    <div className="flex flex-col text-xs">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value} className={field}>
        <option value="hide">Hidden</option>
        <option value="include">Shown with the rest</option>
        <option value="only">Only these</option>
      </select>
    </div>
  );
}
