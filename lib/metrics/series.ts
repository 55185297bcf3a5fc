// Chart series (pure). The rolling success rate comes from daily rollups of one tier at a time; the
// band and the e-value line come from the gate's own evidence (lib/gating/evidence-fold.ts), day by
// day: the anytime-valid confidence sequence of the cumulative evidence, and log10 E_n.
import { confidenceSequence, evidenceSeries, type EvidenceState } from "@cwr/gating";
import { DAY_MS, type Tier } from "@cwr/gating/types";
import type { DayBars } from "@cwr/gating/tier-history";
import type { DailyPoint } from "./data";

export interface SeriesPoint {
  day: string;
  tier: Tier | null;
  successes: number;
  failures: number;
  /** rolling rate over `rollingDays` days of the same tier; null without outcomes */
  rate: number | null;
  /** anytime-valid 95% confidence sequence of the current evidence up to this day; null before it began */
  lower: number | null;
  upper: number | null;
  /** log10 of the gate's e-value on the current evidence up to this day; null before it began */
  log10E: number | null;
  /** the tier held at the end of the day, and its bars then (barsByDay); null when not given */
  heldTier: Tier | null;
  promotionBar: number | null;
  demotionBar: number | null;
}

export interface SeriesInput {
  points: DailyPoint[];
  days: string[];
  rollingDays: number;
  /** the evidence fold's state: the one evidence the gate reads */
  evidence: Pick<EvidenceState, "days" | "evidenceSince">;
  /** the promotion bar of the current tier (null: none, no e-value line) */
  promotionThreshold: number | null;
  /** per day (aligned with `days`): the tier held then and its bars (lib/gating/tier-history.ts) */
  bars?: readonly DayBars[];
}

export function buildSeries(input: SeriesInput): SeriesPoint[] {
  const byDay = new Map<string, DailyPoint[]>();
  for (const p of input.points) byDay.set(p.day, [...(byDay.get(p.day) ?? []), p]);
  const evidence = evidenceSeries(input.evidence, input.days, input.promotionThreshold);
  let lastTier: Tier | null = null;
  return input.days.map((day, i) => {
    const today = byDay.get(day) ?? [];
    // The tier a day belongs to is the one most of its outcomes were reported at; an empty day keeps
    // the tier of the last day with outcomes, so the rolling rate never mixes tiers.
    const main = [...today].sort((a, b) => b.successes + b.failures - (a.successes + a.failures))[0];
    const tier = main?.tier ?? lastTier;
    if (main) lastTier = main.tier;
    let s = 0;
    let n = 0;
    for (let k = Math.max(0, i - input.rollingDays + 1); k <= i; k++) {
      for (const p of byDay.get(input.days[k]!) ?? []) {
        if (p.tier !== tier) continue;
        s += p.successes;
        n += p.successes + p.failures;
      }
    }
    const e = evidence[i]!;
    const bars = input.bars?.[i];
    const band = e.trials !== null && e.trials > 0 ? confidenceSequence(e.successes!, e.trials) : null;
    return {
      day,
      tier: main?.tier ?? null,
      successes: main ? today.reduce((a, p) => a + p.successes, 0) : 0,
      failures: main ? today.reduce((a, p) => a + p.failures, 0) : 0,
      rate: n ? s / n : null,
      lower: band?.lower ?? null,
      upper: band?.upper ?? null,
      log10E: e.log10E,
      heldTier: bars?.tier ?? null,
      promotionBar: bars?.promotion ?? null,
      demotionBar: bars?.demotion ?? null,
    };
  });
}

export function lastDays(now: Date, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    new Date(now.getTime() - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
}
