const STYLE: Record<string, string> = {
  CRAWL: "bg-amber-100 text-amber-900 ring-amber-300",
  WALK: "bg-blue-100 text-blue-900 ring-blue-300",
  RUN: "bg-emerald-100 text-emerald-900 ring-emerald-300",
};

export function TierBadge({ tier, frozen = false }: { tier: string; frozen?: boolean }) {
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap">
      <span className={`rounded px-2 py-0.5 text-xs font-semibold ring-1 ${STYLE[tier] ?? "bg-slate-100"}`}>{tier}</span>
      {frozen && <span className="rounded bg-sky-900 px-1.5 py-0.5 text-xs font-semibold text-white" title="Frozen: no tier changes until unfrozen">❄ frozen</span>}
    </span>
  );
}
