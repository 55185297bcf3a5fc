import { TIER_MEANING } from "@cwr/gating/plain-words";
import { TIERS, type Tier } from "@cwr/gating/types";

const STYLE: Record<string, string> = {
  CRAWL: "bg-amber-100 text-amber-900 ring-amber-300",
  WALK: "bg-blue-100 text-blue-900 ring-blue-300",
  RUN: "bg-emerald-100 text-emerald-900 ring-emerald-300",
};

/** What a tier lets the agent do, in words ("" for a string that is not a tier). */
export function tierMeaning(tier: string): string {
  return TIER_MEANING[tier as Tier] ?? "";
}

/** A tier badge; its definition is in the title, and in visible text with `explain` (where a page first shows it). */
export function TierBadge({
  tier,
  frozen = false,
  explain = false,
}: {
  tier: string;
  frozen?: boolean;
  explain?: boolean;
}) {
  const meaning = tierMeaning(tier);
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap">
      <span
        className={`rounded px-2 py-0.5 text-xs font-semibold ring-1 ${STYLE[tier] ?? "bg-slate-100"}`}
        title={meaning ? `${tier}: the agent ${meaning}` : undefined}
        data-testid="tier-badge"
      >
        {tier}
      </span>
      {/* The spaces keep the words apart for screen readers and copy-paste (a flex row drops them visually). */}
      {explain && meaning && (
        <>
          {" "}
          <span className="text-xs text-slate-700" data-testid="tier-meaning">
            the agent {meaning}
          </span>
        </>
      )}
      {frozen && <> </>}
      {frozen && (
        <span
          className="rounded bg-sky-900 px-1.5 py-0.5 text-xs font-semibold text-white"
          title="Frozen: no tier changes until unfrozen"
        >
          ❄ frozen
        </span>
      )}
    </span>
  );
}

/** The three tiers defined in one line: shown above tables of tiers. */
export function TierLegend() {
  return (
    <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" data-testid="tier-legend">
      {TIERS.map((t) => (
        <span key={t} className="inline-flex items-center gap-1">
          <TierBadge tier={t} /> {TIER_MEANING[t]}
        </span>
      ))}
    </p>
  );
}
