// In-process counters for the Prometheus endpoint: requests by route and status, latency histogram.
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface RouteStats {
  count: Map<number, number>;
  buckets: number[];
  sum: number;
  total: number;
}

const g = globalThis as unknown as { __cwrMetrics?: Map<string, RouteStats>; __cwrCounters?: Map<string, number> };
const routes = (g.__cwrMetrics ??= new Map());
const counters = (g.__cwrCounters ??= new Map());

export function recordRequest(name: string, status: number, ms: number): void {
  const s = routes.get(name) ?? { count: new Map(), buckets: BUCKETS.map(() => 0), sum: 0, total: 0 };
  s.count.set(status, (s.count.get(status) ?? 0) + 1);
  const sec = ms / 1000;
  BUCKETS.forEach((b, i) => {
    if (sec <= b) s.buckets[i]!++;
  });
  s.sum += sec;
  s.total++;
  routes.set(name, s);
}

export function incrementCounter(name: string, by = 1): void {
  counters.set(name, (counters.get(name) ?? 0) + by);
}

export function metricsSnapshot() {
  return { routes, counters, buckets: BUCKETS };
}
