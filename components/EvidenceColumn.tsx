import type { LiveEvidence } from "@/lib/metrics/evidence";

/** One column of evidence: the pinned snapshot or the live metrics, side by side on the review page. */
export function EvidenceColumn({ title, e, testId, ignoreOpenRequest = false }: { title: string; e: LiveEvidence; testId: string; ignoreOpenRequest?: boolean }) {
  // Beside a request, "a request is already open" is that very request: not a reason to show.
  const unmet = e.eligibility.unmet.filter((u) => !(ignoreOpenRequest && u.code === "open_request"));
  const rules = e.policy.rules.tiers[e.actionType.tier];
  return (
    <div className="rounded border border-slate-200 p-3 text-sm" data-testid={testId}>
      <h3 className="mb-2 font-semibold">{title}</h3>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1">
        <dt className="text-slate-500">Taken</dt>
        <dd>{e.takenAt.replace("T", " ").slice(0, 16)} UTC</dd>
        <dt className="text-slate-500">Tier</dt>
        <dd>{e.actionType.tier}{e.actionType.frozen ? " (frozen)" : ""} since {e.actionType.tierSince.slice(0, 10)}</dd>
        <dt className="text-slate-500">Policy</dt>
        <dd>v{e.policy.version} · {e.policy.rules.gate === "raw" ? "raw (no statistical guarantee)" : e.policy.rules.gate} · α {e.policy.rules.alpha}</dd>
        <dt className="text-slate-500">Bar</dt>
        <dd>{rules.promotion ? `${(rules.promotion.threshold * 100).toFixed(1)}% · ${rules.promotion.minSamples} outcomes · ${rules.promotion.minDaysInTier} d` : "—"}</dd>
        <dt className="text-slate-500">Gate</dt>
        <dd>{e.eligibility.gate?.label ?? "—"}</dd>
        <dt className="text-slate-500">Evidence</dt>
        <dd>{e.evidence.successes} / {e.evidence.trials}{e.evidence.interval && e.evidence.trials > 0 ? ` · 95% confidence sequence ${(e.evidence.interval.lower * 100).toFixed(1)}–${(e.evidence.interval.upper * 100).toFixed(1)}%` : ""}{e.evidence.alpha ? ` · ${e.evidence.alpha.label}` : ""}</dd>
        <dt className="text-slate-500">Window {e.window.days} d</dt>
        <dd>{e.window.trials === 0 ? "no outcomes yet" : `${(e.window.rate * 100).toFixed(1)}% of ${e.window.trials} (fixed-sample Wilson ${(e.window.wilson.lower * 100).toFixed(1)}–${(e.window.wilson.upper * 100).toFixed(1)}%)`}</dd>
        <dt className="text-slate-500">Eligible</dt>
        <dd>{unmet.length === 0 ? "yes" : unmet.map((u) => u.message).join("; ")}</dd>
      </dl>
    </div>
  );
}
