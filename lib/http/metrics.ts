// In-process counters for the Prometheus endpoint: requests by route and status, latency histogram.
import { counterValues, incrementCounter } from "@/lib/counters";

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface RouteStats {
  count: Map<number, number>;
  buckets: number[];
  sum: number;
  total: number;
}

const g = globalThis as unknown as { __cwrMetrics?: Map<string, RouteStats> };
const routes = (g.__cwrMetrics ??= new Map());

export function recordRequest(name: string, status: number, ms: number): void {
  const s = routes.get(name) ?? { count: new Map(), buckets: BUCKETS.map(() => 0), sum: 0, total: 0 };
  s.count.set(status, (s.count.get(status) ?? 0) + 1);
  const sec = ms / 1000;
  for (let i = BUCKETS.length - 1; i >= 0 && sec <= BUCKETS[i]!; i--) s.buckets[i]!++;
  s.sum += sec;
  s.total++;
  routes.set(name, s);
}

/** Re-exported for one step: new code imports it from "@/lib/counters". */
export { incrementCounter };

/** A Prometheus label value: backslash, double quote and newline escaped. */
function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function num(n: number): string {
  return Number.isFinite(n) ? String(n) : n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
}

const COUNTER_HELP: Record<string, string> = {
  events_ingested_total: "Outcome events accepted (stored) by this instance.",
  tier_changes_total: "Tier changes received by this instance's LISTEN connection (every instance sees every change).",
  sse_connections_total: "Tier streams opened on this instance.",
};

export interface Gauge {
  name: string;
  help: string;
  value: number;
}

/** Prometheus text exposition format 0.0.4 of this process's metrics plus the given gauges. */
export function renderPrometheus(gauges: Gauge[] = []): string {
  const out: string[] = [];
  const routeNames = [...routes.keys()].sort();
  const split = (name: string) => {
    const i = name.indexOf(" ");
    return i > 0 ? { method: name.slice(0, i), route: name.slice(i + 1) } : { method: "", route: name };
  };

  out.push(
    "# HELP cwr_http_requests_total HTTP requests answered, by route and status.",
    "# TYPE cwr_http_requests_total counter",
  );
  for (const name of routeNames) {
    const { method, route } = split(name);
    const s = routes.get(name)!;
    for (const [status, count] of [...s.count].sort((a, b) => a[0] - b[0])) {
      out.push(
        `cwr_http_requests_total{method="${label(method)}",route="${label(route)}",status="${status}"} ${count}`,
      );
    }
  }

  out.push(
    "# HELP cwr_http_request_duration_seconds Time to answer (for streams: to start answering), by route.",
    "# TYPE cwr_http_request_duration_seconds histogram",
  );
  for (const name of routeNames) {
    const { method, route } = split(name);
    const s = routes.get(name)!;
    const l = `method="${label(method)}",route="${label(route)}"`;
    BUCKETS.forEach((b, i) => out.push(`cwr_http_request_duration_seconds_bucket{${l},le="${b}"} ${s.buckets[i]}`));
    out.push(`cwr_http_request_duration_seconds_bucket{${l},le="+Inf"} ${s.total}`);
    out.push(`cwr_http_request_duration_seconds_sum{${l}} ${num(s.sum)}`);
    out.push(`cwr_http_request_duration_seconds_count{${l}} ${s.total}`);
  }

  const counters = counterValues();
  const names = new Set([...Object.keys(COUNTER_HELP), ...counters.keys()]);
  for (const name of [...names].sort()) {
    const metric = `cwr_${name.replace(/[^a-zA-Z0-9_]/g, "_")}`;
    out.push(
      `# HELP ${metric} ${COUNTER_HELP[name] ?? name}`,
      `# TYPE ${metric} counter`,
      `${metric} ${num(counters.get(name) ?? 0)}`,
    );
  }

  for (const gauge of gauges)
    out.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`, `${gauge.name} ${num(gauge.value)}`);
  return out.join("\n") + "\n";
}
