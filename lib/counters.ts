// This process's counters (events ingested, tier changes heard, streams opened). Any layer may count;
// lib/http/metrics renders them for Prometheus. Kept apart from HTTP so lib/db does not import lib/http.
const g = globalThis as unknown as { __cwrCounters?: Map<string, number> };
const counters = (g.__cwrCounters ??= new Map());

export function incrementCounter(name: string, by = 1): void {
  counters.set(name, (counters.get(name) ?? 0) + by);
}

/** The counters as they are now, by name. */
export function counterValues(): ReadonlyMap<string, number> {
  return counters;
}
