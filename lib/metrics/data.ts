// Metric reads: windows and series come from daily rollups, never from a scan of raw events.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import type { Counts, Tier } from "@/lib/gating/types";
import { dayOf } from "./mutations";

type Reader = Db | Tx;

/** First day (UTC) inside a window of `windowDays` whole days ending today. */
export function windowStart(now: Date, windowDays: number): string {
  return dayOf(new Date(now.getTime() - (windowDays - 1) * 86_400_000));
}

export async function windowCounts(db: Reader, actionTypeId: string, tier: Tier, windowDays: number, now: Date): Promise<Counts> {
  const agg = await db.metricRollup.aggregate({
    where: { actionTypeId, tier, day: { gte: new Date(windowStart(now, windowDays)) } },
    _sum: { successes: true, failures: true },
  });
  const successes = agg._sum.successes ?? 0;
  return { successes, trials: successes + (agg._sum.failures ?? 0) };
}

export interface DailyPoint {
  day: string;
  tier: Tier;
  successes: number;
  failures: number;
  incidents: number;
}

export async function dailySeries(db: Reader, actionTypeId: string, sinceDays: number, now: Date): Promise<DailyPoint[]> {
  const rows = await db.metricRollup.findMany({
    where: { actionTypeId, day: { gte: new Date(windowStart(now, sinceDays)) } },
    orderBy: { day: "asc" },
    select: { day: true, tier: true, successes: true, failures: true, incidents: true },
  });
  return rows.map((r) => ({ day: dayOf(r.day), tier: r.tier, successes: r.successes, failures: r.failures, incidents: r.incidents }));
}
