"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { AuditListRow } from "@/lib/audit/data";
import type { ReaderVerdict } from "@/lib/audit/seal";
import { fetchJson } from "@/components/ui/fetchJson";
import { Empty, ErrorNote, LiveDot } from "@/components/ui/States";
import { formatDateTimeSeconds } from "@/components/format";
import { auditWords } from "@/lib/audit/readable";

/** Names wrap inside their column (a long key breaks anywhere) rather than being cut off. */
const WRAP = "px-2 py-1 text-xs [overflow-wrap:anywhere]";

export function ChainBadge() {
  const q = useQuery({
    queryKey: ["audit-verify"],
    queryFn: () => fetchJson<ReaderVerdict>("/api/dashboard/audit/verify"),
    refetchInterval: 30_000,
  });
  if (q.isPending) return <span className="rounded bg-slate-100 px-2 py-1 text-sm">Verifying hash chain…</span>;
  if (q.isError)
    return (
      <span className="rounded bg-red-100 px-2 py-1 text-sm text-red-900">
        Chain check failed: {(q.error as Error).message}
      </span>
    );
  return q.data.ok ? (
    <span className="rounded bg-emerald-100 px-2 py-1 text-sm font-semibold text-emerald-900" data-testid="chain-badge">
      ✓ Hash chain verified ({q.data.checked} entries; {q.data.checkpoints.matched} of {q.data.checkpoints.total} signed
      checkpoints match)
      {q.data.tree &&
        ` · Merkle tree of ${q.data.tree.size} entries (root ${q.data.tree.root.slice(0, 12)}…), its served proofs checked`}
      {q.data.sealedAfter !== null &&
        ` · later entries verified too, counted once the open requests close (blind review)`}
    </span>
  ) : (
    <span className="rounded bg-red-600 px-2 py-1 text-sm font-semibold text-white" data-testid="chain-badge">
      ✗ The audit log does not verify at entry {q.data.brokenAt?.seq}: {q.data.brokenAt?.reason}
    </span>
  );
}

/** The rationale (or justification, reason, comment) as a person wrote it, line breaks kept. */
function Words({ data }: { data: unknown }) {
  const words = auditWords(data);
  if (!words) return null;
  return (
    <p className="my-1 text-sm text-slate-800">
      <span className="font-semibold">{words.label}: </span>
      <span className="whitespace-pre-wrap" data-testid="audit-rationale">
        {words.text}
      </span>
    </p>
  );
}

export function AuditTable({
  initial,
  queryString,
  canExport,
}: {
  initial: { rows: AuditListRow[]; nextBefore: string | null };
  queryString: string;
  canExport: boolean;
}) {
  const q = useQuery({
    queryKey: ["audit", queryString],
    queryFn: () =>
      fetchJson<{ rows: AuditListRow[]; nextBefore: string | null }>(`/api/dashboard/audit?${queryString}`),
    initialData: initial,
  });
  const base = new URLSearchParams(queryString);
  base.delete("before");
  const exportQs = base.toString();
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <ChainBadge />
        {canExport && (
          <>
            <a
              className="rounded border border-slate-300 bg-white px-2 py-1 text-sm"
              href={`/api/dashboard/audit/export?${exportQs}${exportQs ? "&" : ""}format=csv`}
              download
            >
              Export CSV
            </a>
            <a
              className="rounded border border-slate-300 bg-white px-2 py-1 text-sm"
              href={`/api/dashboard/audit/export?${exportQs}${exportQs ? "&" : ""}format=json`}
              download
            >
              Export JSON
            </a>
            <a
              className="rounded border border-slate-300 bg-white px-2 py-1 text-sm"
              href="/api/dashboard/audit/export?format=json"
              download
              title="Every entry, whatever the filters: what npm run audit:verify checks"
            >
              Complete log (JSON, to verify)
            </a>
          </>
        )}
        <span className="ml-auto">
          <LiveDot fetching={q.isFetching} />
        </span>
      </div>
      {q.isError && <ErrorNote error={q.error} />}
      {q.data.rows.length === 0 ? (
        <Empty>No audit entries match these filters.</Empty>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full table-fixed text-sm" data-testid="audit-table">
            <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
              <tr>
                <th className="w-14 px-2 py-2">#</th>
                <th className="w-40 px-2 py-2">When (UTC)</th>
                <th className="w-48 px-2 py-2">Actor</th>
                <th className="w-40 px-2 py-2">Agent</th>
                <th className="w-48 px-2 py-2">Action type</th>
                <th className="px-2 py-2">What happened</th>
              </tr>
            </thead>
            <tbody>
              {q.data.rows.map((r) => (
                <tr
                  key={r.id}
                  className="border-t border-slate-100 align-top"
                  data-testid="audit-row"
                  data-kind={r.kind}
                  data-agent={r.agent?.slug ?? ""}
                  data-sealed={r.seq === null ? "true" : undefined}
                >
                  <td className="px-2 py-1 font-mono text-xs">
                    {r.seq ?? <span title="Numbered once the open promotion requests close (blind review)">·</span>}
                  </td>
                  <td className="whitespace-nowrap px-2 py-1 font-mono text-xs">
                    {formatDateTimeSeconds(r.createdAt).replace(" UTC", "")}
                  </td>
                  <td className={WRAP}>
                    {r.actorLabel} <span className="text-slate-500">({r.actorType})</span>
                  </td>
                  <td className={WRAP} data-testid="audit-agent">
                    {r.agent ? (
                      <>
                        <span className="block">{r.agent.name}</span>
                        <span className="block font-mono text-slate-500">{r.agent.slug}</span>
                      </>
                    ) : (
                      <span className="text-slate-500">—</span>
                    )}
                  </td>
                  <td className={WRAP} data-testid="audit-action">
                    {r.actionType ? (
                      <Link href={`/action-types/${r.actionType.id}`} className="text-blue-800 hover:underline">
                        <span className="block">{r.actionType.name}</span>
                        <span className="block font-mono">{r.actionType.key}</span>
                      </Link>
                    ) : (
                      <span className="text-slate-500">—</span>
                    )}
                  </td>
                  <td className="px-2 py-1">
                    <div className="text-sm" data-testid="audit-summary">
                      {r.path ? (
                        <Link href={r.path} className="text-blue-800 hover:underline">
                          {r.summary}
                        </Link>
                      ) : (
                        r.summary
                      )}
                    </div>
                    <details className="text-xs text-slate-600">
                      <summary className="cursor-pointer font-mono">{r.kind}</summary>
                      <Words data={r.data} />
                      <code className="block max-h-40 overflow-auto break-all">{JSON.stringify(r.data)}</code>
                      {r.hash && <div className="mt-0.5 break-all font-mono text-slate-500">hash {r.hash}</div>}
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="flex gap-2 text-sm">
        {base.toString() !== queryString && (
          <Link className="underline" href={`/audit?${exportQs}`}>
            Newest
          </Link>
        )}
        {q.data.nextBefore && (
          <Link className="underline" href={`/audit?${exportQs}${exportQs ? "&" : ""}before=${q.data.nextBefore}`}>
            Older →
          </Link>
        )}
      </div>
    </div>
  );
}
