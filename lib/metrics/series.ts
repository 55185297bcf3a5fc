// Chart series from daily rollups (pure): rolling success rate with its Wilson band, daily counts,
// and the promotion gate's evidence accumulated since the current tier was entered.
import { logEProcess, wilsonInterval } from "@/lib/gating";
import type { Tier } from "@/lib/gating/types";
import type { DailyPoint } from "./data";

export interface SeriesPoint {
  day: string;
  tier: Tier | null;
  successes: number;
  failures: number;
  /** rolling rate over `rollingDays` days of the same tier; null without outcomes */
  rate: number | null;
  lower: number | null;
  upper: number | null;
  /** log10 of the e-value accumulated in the current tier up to this day; null before it */
  log10E: number | null;
}

export interface SeriesInput {
  points: DailyPoint[];
  days: string[];
  rollingDays: number;
  currentTier: Tier;
  /** YYYY-MM-DD of the current tier's entry (evidence is counted from that day) */
  tierSinceDay: string;
  promotionThreshold: number | null;
}

export function buildSeries(input: SeriesInput): SeriesPoint[] {
  const byDay = new Map<string, DailyPoint[]>();
  for (const p of input.points) byDay.set(p.day, [...(byDay.get(p.day) ?? []), p]);
  let cumS = 0;
  let cumN = 0;
  return input.days.map((day, i) => {
    const today = byDay.get(day) ?? [];
    // The tier a day belongs to is the one most of its outcomes were reported at.
    const main = [...today].sort((a, b) => b.successes + b.failures - (a.successes + a.failures))[0];
    const tier = main?.tier ?? null;
    let s = 0;
    let n = 0;
    for (let k = Math.max(0, i - input.rollingDays + 1); k <= i; k++) {
      for (const p of byDay.get(input.days[k]!) ?? []) {
        if (tier && p.tier !== tier) continue;
        s += p.successes;
        n += p.successes + p.failures;
      }
    }
    const w = n ? wilsonInterval(s, n) : null;
    let log10E: number | null = null;
    if (day >= input.tierSinceDay && input.promotionThreshold !== null) {
      const cur = today.find((p) => p.tier === input.currentTier);
      if (cur) {
        cumS += cur.successes;
        cumN += cur.successes + cur.failures;
      }
      log10E = logEProcess(cumS, cumN, input.promotionThreshold) / Math.LN10;
    }
    return {
      day,
      tier,
      successes: main ? today.reduce((a, p) => a + p.successes, 0) : 0,
      failures: main ? today.reduce((a, p) => a + p.failures, 0) : 0,
      rate: n ? s / n : null,
      lower: w?.lower ?? null,
      upper: w?.upper ?? null,
      log10E,
    };
  });
}

export function lastDays(now: Date, count: number): string[] {
  return Array.from({ length: count }, (_, i) => new Date(now.getTime() - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}
