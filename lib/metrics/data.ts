// Metric reads: chart series come from daily rollups, never from a scan of raw events. (Windows are
// read from the evidence fold's per-day counts: lib/metrics/evidence-state.ts.)
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { DAY_MS, type Tier } from "@/lib/gating/types";
import { dayOf } from "./mutations";

type Reader = Db | Tx;

/** First day (UTC) inside a window of `windowDays` whole days ending today. */
export function windowStart(now: Date, windowDays: number): string {
  return dayOf(new Date(now.getTime() - (windowDays - 1) * DAY_MS));
}

export interface DailyPoint {
  day: string;
  tier: Tier;
  successes: number;
  failures: number;
  incidents: number;
}

export async function dailySeries(
  db: Reader,
  actionTypeId: string,
  sinceDays: number,
  now: Date,
): Promise<DailyPoint[]> {
  const rows = await db.metricRollup.findMany({
    where: { actionTypeId, day: { gte: new Date(windowStart(now, sinceDays)) } },
    orderBy: { day: "asc" },
    select: { day: true, tier: true, successes: true, failures: true, incidents: true },
  });
  return rows.map((r) => ({
    day: dayOf(r.day),
    tier: r.tier,
    successes: r.successes,
    failures: r.failures,
    incidents: r.incidents,
  }));
}
