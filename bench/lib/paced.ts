// An open-loop, evenly paced load generator, run as its own process by bench/run.ts:
//   node --import tsx bench/lib/paced.ts '{"url":…,"rate":2500,"durationS":10,"connections":10,"method":"POST","headers":{…},"body":"…"}'
// Request i is due at start + i/rate (no bursts, unlike autocannon's per-second rate limit, which sends
// each second's quota back to back). Latency is measured with µs resolution from the moment the request
// was due (so a server that falls behind is charged for the wait: no coordinated omission) and also
// from the moment it was actually sent. Prints one JSON line.
import http from "node:http";

interface Options {
  url: string;
  rate: number;
  durationS: number;
  connections: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

const o = JSON.parse(process.argv[2]!) as Options;
const url = new URL(o.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
const body = o.body === undefined ? undefined : Buffer.from(o.body);
const headers = { ...(o.headers ?? {}), ...(body ? { "content-length": String(body.length) } : {}) };

const fromDue: number[] = [];
const fromSent: number[] = [];
let errors = 0;
let non2xx = 0;
let inflight = 0;
let maxInflight = 0;

function send(due: number): Promise<void> {
  return new Promise((resolve) => {
    const sent = performance.now();
    inflight++;
    maxInflight = Math.max(maxInflight, inflight);
    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: o.method ?? "GET",
        headers,
      },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => {
          const end = performance.now();
          inflight--;
          if (res.statusCode! < 200 || res.statusCode! >= 300) non2xx++;
          fromDue.push(end - due);
          fromSent.push(end - sent);
          resolve();
        });
      },
    );
    req.on("error", () => {
      inflight--;
      errors++;
      resolve();
    });
    req.end(body);
  });
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! * 1000) / 1000;
}

async function main() {
  const total = Math.floor(o.rate * o.durationS);
  const interval = 1000 / o.rate;
  const pending: Promise<void>[] = [];
  const start = performance.now() + 20;
  let i = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (i < total && start + i * interval <= now) pending.push(send(start + i++ * interval));
      if (i >= total) return done();
      const wait = start + i * interval - performance.now();
      if (wait > 2) setTimeout(tick, wait - 1);
      else setImmediate(tick);
    };
    tick();
  });
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  console.log(
    JSON.stringify({
      requested: total,
      completed: fromDue.length,
      achievedRps: Math.round(fromDue.length / seconds),
      errors,
      non2xx,
      maxInflight,
      latencyMs: { p50: pct(fromDue, 50), p90: pct(fromDue, 90), p99: pct(fromDue, 99), max: pct(fromDue, 100) },
      serviceMs: { p50: pct(fromSent, 50), p90: pct(fromSent, 90), p99: pct(fromSent, 99), max: pct(fromSent, 100) },
    }),
  );
}

void main();
