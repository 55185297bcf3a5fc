import type { LiveEvidence } from "@/lib/metrics/evidence";
import { formatCount } from "@cwr/gating/plain-words";
import { formatBar } from "@cwr/gating/format";
import { GateDetails, GateSentence, gateSentenceOf } from "@/components/PlainGate";
import { TierBadge } from "@/components/TierBadge";
import { gateOf } from "@cwr/gating/gates";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One column of evidence: the pinned snapshot or the live metrics, side by side on the review page. Plain words first. */
export function EvidenceColumn({
  title,
  e,
  testId,
  ignoreOpenRequest = false,
}: {
  title: string;
  e: LiveEvidence;
  testId: string;
  ignoreOpenRequest?: boolean;
}) {
  // Beside a request, "a request is already open" is that very request: not a reason to show.
  const unmet = e.eligibility.unmet.filter((u) => !(ignoreOpenRequest && u.code === "open_request"));
  const rules = e.policy.rules.tiers[e.actionType.tier];
  const plain = gateSentenceOf(e);
  return (
    <div className="rounded border border-slate-200 p-3 text-sm" data-testid={testId}>
      <h3 className="mb-2 font-semibold">{title}</h3>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt className="text-slate-500">Taken</dt>
        <dd>{e.takenAt.replace("T", " ").slice(0, 16)} UTC</dd>
        <dt className="text-slate-500">Tier</dt>
        <dd>
          <TierBadge tier={e.actionType.tier} frozen={e.actionType.frozen} explain />{" "}
          <span className="text-xs text-slate-600">since {e.actionType.tierSince.slice(0, 10)}</span>
        </dd>
        <dt className="text-slate-500">The gate</dt>
        <dd>
          <GateSentence sentence={plain.sentence} cleared={plain.cleared} />
        </dd>
        <dt className="text-slate-500">Eligible</dt>
        <dd data-testid={`${testId}-eligible`}>
          {unmet.length === 0
            ? "yes: every condition is met"
            : unmet.map((u) => (u.code === "bar_not_cleared" ? "the gate does not clear yet" : u.message)).join("; ")}
        </dd>
      </dl>
      <GateDetails testId={`${testId}-details`}>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
          <dt className="text-slate-500">Policy</dt>
          <dd>
            v{e.policy.version} · {gateOf(e.policy.rules.gate).label} · α {e.policy.rules.alpha}
          </dd>
          <dt className="text-slate-500">Bar</dt>
          <dd>
            {rules.promotion
              ? `${formatBar(rules.promotion.threshold)} · ${formatCount(rules.promotion.minSamples)} outcomes · ${rules.promotion.minDaysInTier} days in tier`
              : "—"}
          </dd>
          <dt className="text-slate-500">Gate statistic</dt>
          <dd>{e.eligibility.gate?.label ?? "—"}</dd>
          <dt className="text-slate-500">Evidence</dt>
          <dd>
            {formatCount(e.evidence.successes)} of {formatCount(e.evidence.trials)} good
            {e.evidence.interval && e.evidence.trials > 0
              ? ` · 95% confidence sequence ${pct(e.evidence.interval.lower)}–${pct(e.evidence.interval.upper)}`
              : ""}
            {e.evidence.alpha ? ` · ${e.evidence.alpha.label}` : ""}
          </dd>
          <dt className="text-slate-500">Window ({e.window.days} days)</dt>
          <dd>
            {e.window.trials === 0
              ? "no outcomes yet"
              : `${pct(e.window.rate)} of ${formatCount(e.window.trials)} (fixed-sample Wilson ${pct(e.window.wilson.lower)}–${pct(e.window.wilson.upper)})`}
          </dd>
        </dl>
      </GateDetails>
    </div>
  );
}
