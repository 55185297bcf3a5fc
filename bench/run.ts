// `npm run bench` — the performance benchmark (not part of `npm test`).
//
// Starts the production server (server.ts on the build in NEXT_DIST_DIR, default .next-bench; built
// first when missing or older than the sources) on the embedded default (PGlite) and on a private
// PostgreSQL server, and measures:
//   • the agent's read routes at wire speed (bench/lib/wire.ts): decisions, tiers → 304 and OFREP
//     bulk at 10 and 50 connections, server pinned to core 0 and autocannon to core 1 (taskset),
//     req/s, p50/p99, server CPU µs per request, and a bare node:http server's floor in the same run;
//   • POST /api/v1/decisions: req/s at saturation and p50/p99 at a moderate fixed rate, with autocannon
//     running as a second process;
//   • SDK mode(): ns per call (lib/sdk/bench.ts, in this process, no server);
//   • POST /api/v1/events: events ingested per second in batches of 1,000 (one client, and four);
//   • tier change → stream client: time from sending a freeze/unfreeze to each SSE client receiving
//     the tier_change frame, and each OFREP event-stream client its refetchEvaluation message (on
//     PostgreSQL also clients of a second instance, via LISTEN/NOTIFY);
//   • the overview's first page at AGENTS × TYPES action types, and in-process the cost of a page at
//     2,000 and at 20,000 action types (--only=overview-scale);
//   • the overview page (`/`) with AGENTS × TYPES action types and EVENTS events, generated through
//     the rollups path by bench/lib/generate.ts; plus an in-process breakdown of listOverview.
// Prints one table and writes it with every detail as JSON to bench/results/. The machine may be
// shared, so the 1-minute load average is recorded beside every result.
//
// Options: --backends=pglite,postgres  --events=10000000  --agents=100  --types=20  --days=90
//          --duration=10 (s per load run)  --connections=32  --quick (short runs, 1,000,000 events)
//          --only=wire,decisions,ingest,stream,overview,overview-scale  --report=bench/results/<file>.json
//          (print a saved run). BENCH_QUICK=1 (or --quick): PGlite only, wire + stream, 5 s runs (~2-3 minutes).
//          --no-build (use the build in NEXT_DIST_DIR even if sources are newer)
// PostgreSQL: a private cluster from /usr/lib/postgresql/*/bin (apt-get install -y postgresql), or
// BENCH_DATABASE_URL pointing at an empty database.
import { execFileSync, spawn } from "node:child_process";
import { autocannon } from "./lib/autocannon";
import { benchWire } from "./lib/wire";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createKey, signInCookie } from "../tests/helpers/server";
import http from "node:http";
import pg from "pg";
import { openDatabase, type Database } from "@/lib/db/client";
import type { DatabaseTarget } from "@/lib/db/config";
import { DIST_DIR, startBenchServer, type BenchServer } from "./lib/server";
import { startPostgres, type PgServer } from "./lib/pg";
import { generate, verifyRawSlice, type GenerateResult } from "./lib/generate";
import { openStream, openStreamUrl, type StreamClient } from "./lib/sse";
import { load, mean, percentile, round, sleep } from "./lib/stats";
import { cpuMs } from "./lib/cpu";

const { values: args } = parseArgs({
  options: {
    backends: { type: "string" },
    events: { type: "string" },
    agents: { type: "string", default: "100" },
    types: { type: "string", default: "20" },
    days: { type: "string", default: "90" },
    duration: { type: "string" },
    connections: { type: "string", default: "32" },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    report: { type: "string" },
    "no-build": { type: "boolean", default: false },
  },
});
const QUICK = args.quick! || process.env.BENCH_QUICK === "1";
const EVENTS = Number(args.events ?? (QUICK ? 1_000_000 : 10_000_000));
const AGENTS = Number(args.agents);
const TYPES = Number(args.types);
const DAYS = Number(args.days);
const DURATION = Number(args.duration ?? (QUICK ? 5 : 10));
const CONNECTIONS = Number(args.connections);
const ONLY = new Set(
  (args.only ?? (QUICK ? "wire,stream" : "wire,decisions,ingest,stream,overview,overview-scale")).split(","),
);
/** Only sections that need no server (overview-scale opens its databases in-process). */
const SERVERLESS = [...ONLY].every((o) => o === "overview-scale");
const BACKENDS = (args.backends ?? (QUICK ? "pglite" : "pglite,postgres")).split(",").filter(Boolean) as Array<
  "pglite" | "postgres"
>;

const TARGETS = {
  /** at 10 connections, server pinned to one core */
  decisionsRps: 10_000,
  /** issue 26 item 4: server CPU per decision at 10 connections, pinned (the floor is ~12 µs) */
  decisionsCpuUs: 25,
  /** …which is this many times the issue's machine's node:http floor (12 µs): said against this run's floor too */
  floorFactor: 2,
  decisionsP99Ms: 5,
  /** tiers-304 and OFREP bulk: CPU per request within this factor of the decisions target */
  readCpuFactor: 1.5,
  modeNs: 1_000,
  ingestEps: 10_000,
  tierDelayP99Ms: 50,
  overviewMs: 300,
  /** issue 26: page 1 under any sort or filter at 20,000 action types (in-process) */
  overviewPageMs: 200,
  overviewKiB: 300,
};

const say = (m: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)} load ${load()}] ${m}`);

// ───────────────────────────── SDK mode() ─────────────────────────────

async function benchSdk() {
  const before = load();
  try {
    const { benchMode } = await import("../lib/sdk/bench");
    const r = await benchMode({ iterations: QUICK ? 1_000_000 : 5_000_000 });
    return {
      source: "lib/sdk/bench.ts: CwrClient.mode() fed by an in-memory fetch",
      knownNs: round(r.knownNsPerCall, 1),
      unknownNs: round(r.unknownNsPerCall, 1),
      iterations: r.iterations,
      actions: r.actions,
      load: [before, load()],
    };
  } catch (e) {
    // No SDK benchmark available: time the lookup mode() is made of (a Map of action → mode).
    const map = new Map(
      Array.from({ length: 50 }, (_, i) => [`action.${i}`, i % 3 === 0 ? "suggest" : "act_internal"]),
    );
    const keys = [...map.keys()];
    let sink = 0;
    const n = 5_000_000;
    for (let i = 0; i < 200_000; i++) sink += (map.get(keys[i % 50]!) ?? "suggest").length;
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += (map.get(keys[i % 50]!) ?? "suggest").length;
    const ns = Number(process.hrtime.bigint() - t) / n;
    if (sink < 0) console.log(sink);
    return {
      source: `Map lookup replica (lib/sdk/bench.ts unavailable: ${(e as Error).message})`,
      knownNs: round(ns, 1),
      unknownNs: null,
      iterations: n,
      actions: 50,
      load: [before, load()],
    };
  }
}

// ───────────────────────────── decisions (autocannon) ─────────────────────────────

interface LoadRun {
  connections: number;
  rate: number | null;
  durationS: number;
  rps: number;
  total: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  /** mean time inside the route handler wrapper (server's own /api/metrics), ms */
  serverMeanMs: number | null;
  /** CPU (user + system, all threads) the server process used per request, ms */
  serverCpuMsPerRequest: number;
  /** requests per second one fully available core could serve at that CPU cost */
  cpuBoundRps: number;
  load: [number, number];
}

/** The bench's servers close /api/metrics behind a token, as production does (issue 12). */
const METRICS_TOKEN = randomBytes(16).toString("hex");

async function routeStats(baseUrl: string, route: string): Promise<{ sum: number; count: number }> {
  const text = await (
    await fetch(`${baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const pick = (metric: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${metric}{`) && l.includes(`route="${route}"`));
    return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
  };
  return { sum: pick("cwr_http_request_duration_seconds_sum"), count: pick("cwr_http_request_duration_seconds_count") };
}

async function decisionsRun(
  server: BenchServer,
  key: string,
  connections: number,
  duration: number,
  rate?: number,
  route = "/api/v1/decisions",
): Promise<LoadRun> {
  const before = await routeStats(server.baseUrl, route);
  const l0 = load();
  const cpu0 = cpuMs(server.process.pid);
  const r = await autocannon(`${server.baseUrl}${route}`, {
    connections,
    duration,
    rate,
    ...(route === "/api/v1/decisions"
      ? {
          body: JSON.stringify({ action: "ticket.tag", audience: "external" }),
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        }
      : { headers: {} }),
  });
  const cpu = cpuMs(server.process.pid) - cpu0;
  const after = await routeStats(server.baseUrl, route);
  const n = after.count - before.count;
  return {
    connections,
    rate: rate ?? null,
    durationS: duration,
    rps: round(r.requests.average, 0),
    total: r.requests.total,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    serverMeanMs: n > 0 ? round(((after.sum - before.sum) / n) * 1000, 2) : null,
    serverCpuMsPerRequest: round(cpu / Math.max(1, r.requests.total), 3),
    cpuBoundRps: round((1000 * r.requests.total) / Math.max(1, cpu), 0),
    load: [l0, load()],
  };
}

/** Latency at a fixed, evenly paced rate (bench/lib/paced.ts in its own process, µs resolution). */
async function pacedRun(server: BenchServer, key: string, rate: number, duration: number, connections = 10) {
  const before = await routeStats(server.baseUrl, "/api/v1/decisions");
  const l0 = load();
  const cpu0 = cpuMs(server.process.pid);
  const options = {
    url: `${server.baseUrl}/api/v1/decisions`,
    rate,
    durationS: duration,
    connections,
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ action: "ticket.tag", audience: "external" }),
  };
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.resolve("bench/lib/paced.ts"), JSON.stringify(options)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`paced load exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
  const r = JSON.parse(out.trim().split("\n").pop()!) as {
    completed: number;
    achievedRps: number;
    errors: number;
    non2xx: number;
    maxInflight: number;
    latencyMs: Record<string, number>;
    serviceMs: Record<string, number>;
  };
  const cpu = cpuMs(server.process.pid) - cpu0;
  const after = await routeStats(server.baseUrl, "/api/v1/decisions");
  const n = after.count - before.count;
  return {
    rate,
    connections,
    durationS: duration,
    ...r,
    p50: r.latencyMs.p50!,
    p99: r.latencyMs.p99!,
    serverMeanMs: n > 0 ? round(((after.sum - before.sum) / n) * 1000, 2) : null,
    serverCpuMsPerRequest: round(cpu / Math.max(1, r.completed), 3),
    load: [l0, load()] as [number, number],
  };
}

async function benchDecisions(server: BenchServer, key: string) {
  say("decisions: warm-up");
  await decisionsRun(server, key, 10, 3);
  say(`decisions: saturation, ${CONNECTIONS} connections, ${DURATION} s`);
  const max = await decisionsRun(server, key, CONNECTIONS, DURATION);
  // "Moderate load": half the target rate, or half of what this machine sustains if that is less,
  // evenly paced; and the target's own moderate point (2,500 req/s) for the record when it differs.
  const rate = Math.max(50, Math.min(TARGETS.decisionsRps / 2, Math.floor(max.rps / 2)));
  say(`decisions: moderate load, ${rate} req/s evenly paced, 10 connections, ${DURATION} s`);
  const moderate = await pacedRun(server, key, rate, DURATION);
  say(`decisions: light load, 100 req/s evenly paced, ${DURATION} s`);
  const light = await pacedRun(server, key, 100, DURATION);
  say(`decisions: sequential, 1 connection, ${DURATION} s`);
  const single = await decisionsRun(server, key, 1, DURATION);
  // The floor of the stack: the same load on GET /api/health (route wrapper, no key, no database).
  say(`baseline: GET /api/health, ${CONNECTIONS} connections, ${DURATION} s`);
  const healthFloor = await decisionsRun(server, key, CONNECTIONS, DURATION, undefined, "/api/health");
  return { saturation: max, moderate, light, single, healthFloor };
}

// ───────────────────────────── ingest ─────────────────────────────

const SUCCESS_KIND = { CRAWL: "suggestion.accepted", WALK: "action.completed", RUN: "outcome.positive" } as const;
const FAILURE_KIND = { CRAWL: "suggestion.edited", WALK: "action.reverted", RUN: "outcome.negative" } as const;
type TierName = keyof typeof SUCCESS_KIND;

async function agentTiers(baseUrl: string, key: string): Promise<Array<{ action: string; tier: TierName }>> {
  const r = await fetch(`${baseUrl}/api/v1/tiers`, { headers: { authorization: `Bearer ${key}` } });
  return ((await r.json()) as { tiers: Array<{ action: string; tier: TierName }> }).tiers;
}

let ingestRun = 0;
async function ingestRunOnce(
  baseUrl: string,
  pid: number | undefined,
  key: string,
  actions: Array<{ action: string; tier: TierName }>,
  batches: number,
  concurrency: number,
) {
  const run = `${process.pid}-${++ingestRun}-${Date.now()}`;
  const batchMs: number[] = [];
  const serverBefore = await routeStats(baseUrl, "/api/v1/events");
  let accepted = 0;
  let next = 0;
  const l0 = load();
  const cpu0 = cpuMs(pid);
  const makeBatch = (b: number) =>
    Array.from({ length: 1000 }, (_, i) => {
      const a = actions[i % actions.length]!;
      return {
        idempotencyKey: `bench-${run}-${b}-${i}`,
        action: a.action,
        kind: i % 50 === 7 ? FAILURE_KIND[a.tier] : SUCCESS_KIND[a.tier],
        tier: a.tier,
        occurredAt: new Date(Date.now() - 60_000 - i * 10).toISOString(),
        agentVersion: "2026.10",
      };
    });
  const bodies = Array.from({ length: batches }, (_, b) => JSON.stringify({ events: makeBatch(b) }));
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let b = next++; b < batches; b = next++) {
        const t = performance.now();
        const res = await fetch(`${baseUrl}/api/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: bodies[b],
        });
        const body = (await res.json()) as { accepted?: number };
        if (res.status !== 200) throw new Error(`ingest: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
        accepted += body.accepted ?? 0;
        batchMs.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuMs(pid) - cpu0;
  const serverAfter = await routeStats(baseUrl, "/api/v1/events");
  return {
    concurrency,
    batches,
    accepted,
    seconds: round(seconds, 2),
    eventsPerSecond: round(accepted / seconds, 0),
    batchP50Ms: round(percentile(batchMs, 50), 1),
    batchP99Ms: round(percentile(batchMs, 99), 1),
    serverMeanMs: round(
      ((serverAfter.sum - serverBefore.sum) / Math.max(1, serverAfter.count - serverBefore.count)) * 1000,
      1,
    ),
    /** server CPU per 1,000 events, ms, and the events/s one fully available core could ingest at that cost */
    serverCpuMsPer1000: round((cpu * 1000) / Math.max(1, accepted), 1),
    cpuBoundEventsPerSecond: round((accepted * 1000) / Math.max(1, cpu), 0),
    load: [l0, load()] as [number, number],
  };
}

async function benchIngest(server: BenchServer, key: string) {
  const actions = await agentTiers(server.baseUrl, key);
  say("ingest: warm-up");
  await ingestRunOnce(server.baseUrl, server.process.pid, key, actions, 3, 1);
  const n1 = QUICK ? 10 : 30;
  say(`ingest: ${n1} batches of 1,000, one client`);
  const one = await ingestRunOnce(server.baseUrl, server.process.pid, key, actions, n1, 1);
  say(`ingest: ${n1 * 2} batches of 1,000, four clients`);
  const four = await ingestRunOnce(server.baseUrl, server.process.pid, key, actions, n1 * 2, 4);
  return { actions: actions.length, oneClient: one, fourClients: four };
}

// ───────────────────────────── tier change → stream ─────────────────────────────

async function benchStream(servers: BenchServer[], key: string, cookie: string) {
  const rows = (
    (await (
      await fetch(`${servers[0]!.baseUrl}/api/dashboard/overview?agent=support-bot&q=ticket.tag`, {
        headers: { cookie },
      })
    ).json()) as { rows: Array<{ id: string; agentSlug: string; key: string; frozen: boolean; stateVersion: number }> }
  ).rows;
  const target = rows.find((r) => r.agentSlug === "support-bot" && r.key === "ticket.tag")!;
  const perServer = 5;
  const clients: Array<{ server: number; kind: "sdk" | "ofrep"; client: StreamClient }> = [];
  for (const [s, server] of servers.entries()) {
    for (let i = 0; i < perServer; i++) {
      const client = await openStream(server.baseUrl, key);
      if (!(await client.waitFor((f) => f.event === "snapshot", 10_000))) throw new Error("stream: no snapshot");
      clients.push({ server: s, kind: "sdk", client });
    }
    // OFREP event streams (ADR-0008): the URL the bulk answer advertises, opened without headers
    const bulk = (await (
      await fetch(`${server.baseUrl}/ofrep/v1/evaluate/flags`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: "{}",
      })
    ).json()) as { eventStreams: Array<{ url: string }> };
    for (let i = 0; i < perServer; i++) {
      const client = await openStreamUrl(bulk.eventStreams[0]!.url);
      if (!(await client.waitFor((f) => f.event === "message", 10_000)))
        throw new Error("ofrep stream: no first message");
      clients.push({ server: s, kind: "ofrep", client });
    }
  }
  const toggles = QUICK ? 10 : 30;
  let frozen = target.frozen;
  // Each freeze names the state it was decided on (SPEC §3 rule 11); the answer carries the next one.
  let stateVersion = target.stateVersion;
  const samples: Array<{
    server: number;
    kind: "sdk" | "ofrep";
    sendToFrameMs: number;
    responseToFrameMs: number;
    changedAtToFrameMs: number | null;
  }> = [];
  const postMs: number[] = [];
  let missed = 0;
  const l0 = load();
  for (let t = 0; t < toggles; t++) {
    frozen = !frozen;
    const marks = clients.map((c) => c.client.frames.length);
    const sentAt = performance.now();
    const sentWall = Date.now();
    const waits = clients.map((c, i) =>
      c.client.waitFor(
        (f) =>
          c.kind === "ofrep"
            ? f.event === "message" && (f.data as { type: string }).type === "refetchEvaluation"
            : f.event === "tier_change" &&
              (f.data as { action: string }).action === "ticket.tag" &&
              (f.data as { frozen: boolean }).frozen === frozen,
        5_000,
        marks[i],
      ),
    );
    const res = await fetch(`${servers[0]!.baseUrl}/api/admin/action-types/${target.id}/freeze`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ frozen, stateVersion, rationale: `Benchmark: tier-change latency toggle ${t}.` }),
    });
    const respondedAt = performance.now();
    if (res.status !== 200) throw new Error(`freeze: ${res.status} ${await res.text()}`);
    stateVersion = ((await res.json()) as { stateVersion: number }).stateVersion;
    postMs.push(respondedAt - sentAt);
    const frames = await Promise.all(waits);
    frames.forEach((f, i) => {
      if (!f) return void missed++;
      const changedAt = clients[i]!.kind === "sdk" ? Date.parse((f.data as { changedAt: string }).changedAt) : null;
      samples.push({
        server: clients[i]!.server,
        kind: clients[i]!.kind,
        sendToFrameMs: f.at - sentAt,
        responseToFrameMs: f.at - respondedAt,
        changedAtToFrameMs: changedAt === null ? null : sentWall + (f.at - sentAt) - changedAt,
      });
    });
    await sleep(100);
  }
  for (const c of clients) c.client.close();
  const summarize = (xs: number[]) => ({
    p50: round(percentile(xs, 50), 1),
    p99: round(percentile(xs, 99), 1),
    max: round(Math.max(...xs), 1),
  });
  const sdk = samples.filter((x) => x.kind === "sdk");
  const ofrep = samples.filter((x) => x.kind === "ofrep");
  return {
    toggles,
    clients: clients.length,
    instances: servers.length,
    missed,
    sendToFrame: summarize(sdk.map((s) => s.sendToFrameMs)),
    ofrepSendToMessage: summarize(ofrep.map((s) => s.sendToFrameMs)),
    ofrepResponseToMessage: summarize(ofrep.map((s) => s.responseToFrameMs)),
    sendToFrameByInstance: servers.map((_, s) =>
      summarize(samples.filter((x) => x.server === s).map((x) => x.sendToFrameMs)),
    ),
    changedAtToFrame: summarize(sdk.map((s) => s.changedAtToFrameMs!)),
    /** frames that arrived before the freeze response did are negative */
    responseToFrame: summarize(samples.map((s) => s.responseToFrameMs)),
    freezeRequest: summarize(postMs),
    load: [l0, load()] as [number, number],
  };
}

// ───────────────────────────── overview ─────────────────────────────

async function timeGet(url: string, cookie: string, n: number, pid?: number) {
  const total: number[] = [];
  let cpu = 0;
  const ttfb: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n + 2; i++) {
    const c0 = cpuMs(pid);
    const t = performance.now();
    const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
    const first = performance.now();
    const body = await res.text();
    const end = performance.now();
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 300)}`);
    if (i < 2) continue; // warm-up
    cpu += cpuMs(pid) - c0;
    ttfb.push(first - t);
    total.push(end - t);
    bytes = body.length;
  }
  return {
    n,
    p50: round(percentile(total, 50), 1),
    p99: round(percentile(total, 99), 1),
    mean: round(mean(total), 1),
    ttfbP50: round(percentile(ttfb, 50), 1),
    bytes,
    serverCpuMsPerRequest: round(cpu / n, 1),
  };
}

/** Bytes on the wire for one GET, compressed as a browser would accept it. */
function transferredBytes(url: string, cookie: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { cookie, "accept-encoding": "gzip, deflate, br" } }, (res) => {
      let bytes = 0;
      res.on("data", (d: Buffer) => (bytes += d.length));
      res.on("end", () => resolve({ bytes, encoding: String(res.headers["content-encoding"] ?? "identity") }));
    });
    req.on("error", reject);
  });
}

async function benchOverview(server: BenchServer, cookie: string) {
  const n = QUICK ? 5 : 10;
  const l0 = load();
  say(`overview: GET / ×${n}`);
  const page = await timeGet(`${server.baseUrl}/`, cookie, n, server.process.pid);
  say(`overview: GET /api/dashboard/overview ×${n}`);
  const api = await timeGet(`${server.baseUrl}/api/dashboard/overview`, cookie, n, server.process.pid);
  say(`overview: GET /api/dashboard/overview?sort=health ×${n} (evaluates every action type)`);
  const health = await timeGet(`${server.baseUrl}/api/dashboard/overview?sort=health`, cookie, n, server.process.pid);
  // What the first page costs the browser: the document (its RSC payload carries the page's rows;
  // the table does not fetch them again on load).
  const wire = await transferredBytes(`${server.baseUrl}/`, cookie);
  return { page, api, health, firstPageTransferred: wire, load: [l0, load()] as [number, number] };
}

const timeIt = async <T>(fn: () => Promise<T>, n = 5): Promise<{ ms: number; value: T }> => {
  let value = await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    value = await fn();
    xs.push(performance.now() - t);
  }
  return { ms: round(percentile(xs, 50), 1), value };
};

/** In-process: one overview page (default view), sorted by health, and the whole list, timed alone. */
async function overviewBreakdown(database: Database) {
  const { listOverview, listOverviewPage } = await import("@/lib/action-types/data");
  const { overviewQuerySchema } = await import("@/lib/action-types/schema");
  const db = database.prisma;
  const now = new Date();
  const l0 = load();
  const first = await timeIt(() => listOverviewPage(db, overviewQuerySchema.parse({}), now));
  const last = await timeIt(() => listOverviewPage(db, overviewQuerySchema.parse({ page: first.value.pages }), now));
  const health = await timeIt(() => listOverviewPage(db, overviewQuerySchema.parse({ sort: "health" }), now), 3);
  const whole = await timeIt(() => listOverview(db, now), 3);
  return {
    actionTypes: first.value.total,
    firstPage: { ms: first.ms, rows: first.value.rows.length },
    lastPage: { ms: last.ms, rows: last.value.rows.length },
    healthSort: { ms: health.ms },
    listOverview: { ms: whole.ms, rows: whole.value.length },
    load: [l0, load()] as [number, number],
  };
}

/** Page 1 under every sort, every filter (default sort), and eligible by health: the target is the slowest's. */
async function overviewPages(database: Database) {
  const { listOverviewPage } = await import("@/lib/action-types/data");
  const { overviewQuerySchema, OVERVIEW_SORTS, OVERVIEW_STATUSES } = await import("@/lib/action-types/schema");
  const now = new Date();
  const queries: Array<Record<string, string>> = [
    ...OVERVIEW_SORTS.map((sort) => ({ sort })),
    ...OVERVIEW_STATUSES.filter((s) => s !== "all").map((status) => ({ status })),
    { status: "eligible", sort: "health" },
  ];
  const pages: R[] = [];
  for (const q of queries) {
    const r = await timeIt(() => listOverviewPage(database.prisma, overviewQuerySchema.parse(q), now), 3);
    pages.push({
      query: Object.entries(q)
        .map(([k, v]) => `${k}=${v}`)
        .join("&"),
      ms: r.ms,
      total: r.value.total,
    });
  }
  return pages;
}

/**
 * Does a page's cost grow with the number of action types? The same world at 2,000 and 20,000
 * action types (agents × 20), 1,000,000 events over 30 days each, on a fresh database of the
 * backend; the pages timed in-process.
 */
async function overviewScale(kind: "pglite" | "postgres", workDir: string, pgUrl: string | null) {
  const out: R[] = [];
  for (const agents of [100, 1000]) {
    let target: DatabaseTarget;
    if (kind === "pglite") target = { kind: "pglite", dir: path.join(workDir, `scale-${agents}`) };
    else {
      const name = `cwr_scale_${agents}_${randomBytes(3).toString("hex")}`;
      const admin = new pg.Client({ connectionString: pgUrl! });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(pgUrl!);
      u.pathname = `/${name}`;
      target = { kind: "postgres", url: u.toString() };
    }
    say(`overview scale: ${agents * TYPES} action types, generating`);
    out.push(
      await withDatabase(target, async (db) => {
        const g = await generate(db, { agents, typesPerAgent: TYPES, events: 1_000_000, days: 30, log: () => {} });
        // The generator writes rows outside the interpreter: their health summary is computed as at boot.
        const { refreshStaleSummaries } = await import("@/lib/state/mutations");
        const t = performance.now();
        const summarised = await refreshStaleSummaries(db.prisma);
        const summaries = { rows: summarised, ms: Math.round(performance.now() - t) };
        return { generatedMs: g.ms, summaries, ...(await overviewBreakdown(db)), pages: await overviewPages(db) };
      }),
    );
  }
  return out;
}

// ───────────────────────────── one backend ─────────────────────────────

async function withDatabase<T>(target: DatabaseTarget, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ target });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function benchBackend(kind: "pglite" | "postgres", workDir: string, result: Record<string, unknown>) {
  let pg: PgServer | null = null;
  const servers: BenchServer[] = [];
  let env: Record<string, string>;
  let target: DatabaseTarget;
  try {
    if (kind === "pglite") {
      const dir = path.join(workDir, "pglite");
      env = { PGLITE_DIR: dir, METRICS_TOKEN };
      target = { kind: "pglite", dir };
      result.database = "PGlite (embedded, in the server process)";
    } else {
      let url = process.env.BENCH_DATABASE_URL;
      if (!url) {
        pg = await startPostgres();
        if (!pg) throw new Error("no PostgreSQL binaries: apt-get install -y postgresql, or set BENCH_DATABASE_URL");
        url = pg.url;
        result.database = `PostgreSQL ${pg.version}, private cluster on 127.0.0.1 (fsync and synchronous_commit on, shared_buffers 256MB)`;
      } else result.database = "PostgreSQL at BENCH_DATABASE_URL";
      // Production mode on a server database wants a real session secret.
      // (and the demo accounts, for the admin and viewer sessions the benchmark signs in with)
      env = {
        DATABASE_URL: url,
        SEED_ON_START: "on",
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        AUTH_CREDENTIALS: "on",
        METRICS_TOKEN,
      };
      target = { kind: "postgres", url };
    }

    if (SERVERLESS) {
      // overview-scale alone reads its own databases in-process: no server, no build.
      result.overviewScale = await overviewScale(kind, workDir, target.kind === "postgres" ? target.url : null);
      return;
    }
    say(`${kind}: starting the server (migrate + demo seed)`);
    let t = performance.now();
    const a = await startBenchServer(env, path.join(workDir, "server-a.log"));
    servers.push(a);
    result.startAndSeedMs = Math.round(performance.now() - t);
    const admin = await signInCookie(a.baseUrl, "admin@demo.local");
    const key = await createKey(a.baseUrl, "support-bot", "bench");

    if (ONLY.has("wire")) result.wire = await benchWire(a, key, { duration: DURATION, connections: [10, 50], say });
    if (ONLY.has("decisions")) result.decisions = await benchDecisions(a, key);
    if (ONLY.has("ingest")) result.ingest = await benchIngest(a, key);
    if (ONLY.has("stream")) {
      if (kind === "postgres") {
        say("stream: starting a second instance on the same database");
        servers.push(await startBenchServer({ ...env, SEED_ON_START: "off" }, path.join(workDir, "server-b.log")));
      }
      say(`stream: ${kind === "postgres" ? "5 clients on each of 2 instances" : "5 clients"}, freeze/unfreeze toggles`);
      result.stream = await benchStream(servers, key, admin);
    }

    if (ONLY.has("overview")) {
      for (const s of servers) await s.stop();
      say(
        `overview: generating ${AGENTS} agents × ${TYPES} action types, ${EVENTS.toLocaleString("en")} events over ${DAYS} days`,
      );
      const generated = await withDatabase(target, async (db) => {
        const g: GenerateResult = await generate(db, {
          agents: AGENTS,
          typesPerAgent: TYPES,
          events: EVENTS,
          days: DAYS,
          log: say,
        });
        const check = await verifyRawSlice(db);
        if (check.mismatches)
          throw new Error(`generated rollups disagree with their raw events in ${check.mismatches} rows`);
        return { ...g, rawSliceCheck: check };
      });
      result.generated = generated;
      say(`overview: generated in ${generated.ms} ms; restarting the server`);
      t = performance.now();
      await a.start();
      result.restartMs = Math.round(performance.now() - t);
      const viewer = await signInCookie(a.baseUrl, "viewer@demo.local");
      result.overview = await benchOverview(a, viewer);
      await a.stop();
      say("overview: in-process breakdown of the overview's pages");
      result.overviewBreakdown = await withDatabase(target, overviewBreakdown);
    }
    if (ONLY.has("overview-scale")) {
      for (const s of servers) await s.stop();
      result.overviewScale = await overviewScale(kind, workDir, target.kind === "postgres" ? target.url : null);
    }
  } catch (e) {
    say(`${kind} failed: ${(e as Error).stack}`);
    result.error = (e as Error).message;
    result.serverLog = servers[0]?.logTail().slice(-2000);
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    pg?.stop();
  }
}

// ───────────────────────────── report ─────────────────────────────

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the result tree is JSON built above; the table reads it loosely and shows "—" for what is missing
type R = Record<string, any>;
const cell = (v: string, l?: number | [number, number]) =>
  l === undefined ? v : `${v}  (load ${Array.isArray(l) ? Math.max(...l) : l})`;

function table(sdk: R, backends: Record<string, R>) {
  const names = Object.keys(backends);
  const rows: Array<{ metric: string; target: string; values: string[]; pass: Array<boolean | null> }> = [];
  const add = (metric: string, target: string, f: (b: R) => { text: string; pass: boolean | null } | null) => {
    const vals = names.map((n) => {
      try {
        return f(backends[n]!) ?? { text: "—", pass: null };
      } catch {
        return { text: "—", pass: null };
      }
    });
    rows.push({ metric, target, values: vals.map((v) => v.text), pass: vals.map((v) => v.pass) });
  };
  const wire = (b: R, route: string, c: number) =>
    (b.wire.runs as R[]).find((r) => r.route === route && r.connections === c)!;
  const pinNote = (b: R) => (b.wire.pinned ? "" : " [not pinned]");
  for (const c of [10, 50]) {
    add(`wire c=${c}: node:http floor req/s · CPU µs/req · p50/p99 ms`, "—", (b) => {
      const f = wire(b, "node:http floor", c);
      return { text: cell(`${f.rps} · ${f.cpuUsPerRequest} µs · ${f.p50}/${f.p99}${pinNote(b)}`, f.load), pass: null };
    });
    for (const route of ["decisions", "tiers-304", "ofrep-bulk"]) {
      const cpuTarget = route === "decisions" ? TARGETS.decisionsCpuUs : TARGETS.readCpuFactor * TARGETS.decisionsCpuUs;
      const target =
        c !== 10
          ? "—"
          : route === "decisions"
            ? `CPU ≤ ${cpuTarget} µs, ≥ ${TARGETS.decisionsRps}/s, p99 ≤ ${TARGETS.decisionsP99Ms}`
            : `CPU ≤ ${cpuTarget} µs (${TARGETS.readCpuFactor}× decisions' ${TARGETS.decisionsCpuUs})`;
      add(`wire c=${c}: ${route} req/s · CPU µs/req · p50/p99 ms · ÷ floor`, target, (b) => {
        const r = wire(b, route, c);
        const f = wire(b, "node:http floor", c);
        const ratio = `${round(r.rps / f.rps, 2)}× floor req/s, ${round(r.cpuUsPerRequest / f.cpuUsPerRequest, 1)}× floor CPU`;
        const bad = r.errors + r.unexpected;
        const cpuMet = r.cpuUsPerRequest <= cpuTarget;
        // met, or missed by how much (the CPU target is the issue's; req/s and p99 are the older ones)
        const idle = r.idleUsPerRequest === undefined ? "" : ` (idle server: ${r.idleUsPerRequest} µs of it)`;
        // The issue's 25 µs is twice the 12 µs floor of its machine (its title: "the hot path at twice
        // the floor"); the floor here is this run's. Said beside the absolute target, which alone judges.
        const floorFactor = (route === "decisions" ? 1 : TARGETS.readCpuFactor) * TARGETS.floorFactor;
        const relTarget = round(floorFactor * f.cpuUsPerRequest, 1);
        const relative = ` (${floorFactor}× this run's floor = ${relTarget} µs: ${r.cpuUsPerRequest <= relTarget ? "met" : `missed by ${round(r.cpuUsPerRequest - relTarget, 1)} µs`})`;
        const verdict =
          c !== 10
            ? ""
            : cpuMet
              ? ` · CPU target met${relative}`
              : ` · CPU target missed by ${round(r.cpuUsPerRequest - cpuTarget, 1)} µs${relative}`;
        const pass =
          bad > 0
            ? false
            : c !== 10
              ? null
              : route === "decisions"
                ? cpuMet && r.rps >= TARGETS.decisionsRps && r.p99 <= TARGETS.decisionsP99Ms
                : cpuMet;
        return {
          text: cell(
            `${r.rps} · ${r.cpuUsPerRequest} µs${idle} · ${r.p50}/${r.p99} · ${ratio}${verdict}${bad ? ` · ${bad} errors/unexpected` : ""}${pinNote(b)}`,
            r.load,
          ),
          pass,
        };
      });
    }
  }
  add("decisions req/s (saturation, unpinned)", "—", (b) => {
    const s = b.decisions.saturation;
    return {
      text: cell(
        `${s.rps} (c=${s.connections}, p50 ${s.p50} / p99 ${s.p99} ms; CPU ${s.serverCpuMsPerRequest} ms/req = ${s.cpuBoundRps}/s per core)`,
        s.load,
      ),
      pass: null,
    };
  });
  add("  GET /api/health req/s (through Next)", "—", (b) => {
    const s = b.decisions.healthFloor;
    return {
      text: cell(
        `${s.rps} (p50 ${s.p50} / p99 ${s.p99} ms; CPU ${s.serverCpuMsPerRequest} ms/req = ${s.cpuBoundRps}/s per core)`,
        s.load,
      ),
      pass: null,
    };
  });
  add("decisions p50/p99 ms (moderate load)", `p99 < ${TARGETS.decisionsP99Ms}`, (b) => {
    const m = b.decisions.moderate;
    return {
      text: cell(`${m.p50} / ${m.p99} at ${m.rate} req/s paced (handler mean ${m.serverMeanMs} ms)`, m.load),
      pass: m.p99 < TARGETS.decisionsP99Ms,
    };
  });
  add("decisions p50/p99 ms (100 req/s)", "—", (b) => {
    const m = b.decisions.light;
    return { text: cell(`${m.p50} / ${m.p99} (handler mean ${m.serverMeanMs} ms)`, m.load), pass: null };
  });
  add("decisions p50/p99 ms (1 connection)", "—", (b) => {
    const m = b.decisions.single;
    return { text: cell(`${m.p50} / ${m.p99}, ${m.rps} req/s`, m.load), pass: null };
  });
  add("SDK mode() ns/call", `< ${TARGETS.modeNs}`, () => ({
    text: cell(`${sdk.knownNs} known, ${sdk.unknownNs ?? "—"} unknown`, sdk.load),
    pass: sdk.knownNs < TARGETS.modeNs,
  }));
  add("ingest events/s (1 client)", `≥ ${TARGETS.ingestEps}`, (b) => {
    const i = b.ingest.oneClient;
    return {
      text: cell(
        `${i.eventsPerSecond} (batch p50 ${i.batchP50Ms} ms; CPU ${i.serverCpuMsPer1000} ms/1000 = ${i.cpuBoundEventsPerSecond}/s per core)`,
        i.load,
      ),
      pass: i.eventsPerSecond >= TARGETS.ingestEps,
    };
  });
  add("ingest events/s (4 clients)", `≥ ${TARGETS.ingestEps}`, (b) => {
    const i = b.ingest.fourClients;
    return {
      text: cell(`${i.eventsPerSecond} (batch p50 ${i.batchP50Ms} ms; CPU ${i.serverCpuMsPer1000} ms/1000)`, i.load),
      pass: i.eventsPerSecond >= TARGETS.ingestEps,
    };
  });
  // "After the write": from the tier change's commit timestamp (SDK frames carry it) or from the
  // freeze's response (OFREP messages carry only the ETag); send → frame includes the freeze request.
  add(
    "tier change → SDK stream ms: commit→frame p50/p99 · send→frame p50/p99",
    `p99 < ${TARGETS.tierDelayP99Ms}`,
    (b) => {
      const s = b.stream;
      return {
        text: cell(
          `${s.changedAtToFrame.p50}/${s.changedAtToFrame.p99} · ${s.sendToFrame.p50}/${s.sendToFrame.p99} (freeze request p99 ${s.freezeRequest.p99}; ${s.clients} clients, ${s.instances} inst.)`,
          s.load,
        ),
        pass: s.missed === 0 && s.changedAtToFrame.p99 < TARGETS.tierDelayP99Ms,
      };
    },
  );
  add(
    "tier change → OFREP event stream ms: response→message p99 · send→message p50/p99",
    `p99 < ${TARGETS.tierDelayP99Ms}`,
    (b) => {
      const s = b.stream;
      const resp = s.ofrepResponseToMessage ?? s.responseToFrame;
      return {
        text: cell(`${resp.p99} · ${s.ofrepSendToMessage.p50}/${s.ofrepSendToMessage.p99}`, s.load),
        pass: s.missed === 0 && resp.p99 < TARGETS.tierDelayP99Ms,
      };
    },
  );
  add("overview first page GET / p50/p99 ms", `< ${TARGETS.overviewMs}`, (b) => {
    const o = b.overview.page;
    return {
      text: cell(`${o.p50} / ${o.p99} (server CPU ${o.serverCpuMsPerRequest} ms)`, b.overview.load),
      pass: o.p99 < TARGETS.overviewMs,
    };
  });
  add("overview first page transferred KiB (document + data)", `< ${TARGETS.overviewKiB}`, (b) => {
    const w = b.overview.firstPageTransferred;
    return {
      text: `${round(w.bytes / 1024, 1)} (${w.encoding}; ${Math.round(b.overview.page.bytes / 1024)} KiB decoded)`,
      pass: w.bytes / 1024 < TARGETS.overviewKiB,
    };
  });
  add("overview JSON p50 ms: page 1 / sort=health", "—", (b) => ({
    text: cell(
      `${b.overview.api.p50} (${Math.round(b.overview.api.bytes / 1024)} KiB) / ${b.overview.health.p50}`,
      b.overview.load,
    ),
    pass: null,
  }));
  add("overview in-process ms: page 1 / last page / health / whole list", "—", (b) => {
    const o = b.overviewBreakdown;
    return {
      text: cell(
        `${o.firstPage.ms} / ${o.lastPage.ms} / ${o.healthSort.ms} / ${o.listOverview.ms} (${o.actionTypes} action types)`,
        o.load,
      ),
      pass: null,
    };
  });
  add("overview page 1 ms at 2,000 → 20,000 action types (in-process)", "page 1 flat", (b) => {
    const [small, big] = b.overviewScale as R[];
    const text = `${small!.firstPage.ms} → ${big!.firstPage.ms} (last page ${small!.lastPage.ms} → ${big!.lastPage.ms}; health sort ${small!.healthSort.ms} → ${big!.healthSort.ms}; whole list ${small!.listOverview.ms} → ${big!.listOverview.ms})`;
    return {
      text: cell(text, big!.load),
      pass: big!.firstPage.ms < Math.max(2 * small!.firstPage.ms, small!.firstPage.ms + 20),
    };
  });
  add(
    "overview page 1, any sort or filter: slowest ms at 2,000 → 20,000 action types (in-process)",
    `< ${TARGETS.overviewPageMs} at 20,000`,
    (b) => {
      const [small, big] = b.overviewScale as R[];
      const slowest = (x: R) => (x.pages as R[]).reduce((a, p) => (p.ms > a.ms ? p : a));
      const s = slowest(small!);
      const l = slowest(big!);
      const miss =
        l.ms >= TARGETS.overviewPageMs ? `; missed by ${round(l.ms - TARGETS.overviewPageMs, 1)} ms` : "; met";
      const text = `${s.ms} (${s.query}) → ${l.ms} (${l.query})${miss}; summaries backfilled once in ${small!.summaries.ms} → ${big!.summaries.ms} ms`;
      return { text: cell(text, big!.load), pass: l.ms < TARGETS.overviewPageMs };
    },
  );
  add("generate world (rollups path) s", "—", (b) => ({
    text: `${round(b.generated.ms / 1000, 1)} (${b.generated.rollupRows} rollups, ${b.generated.rawEvents} raw)`,
    pass: null,
  }));

  const header = ["metric", "target", ...names];
  const lines = rows.map((r) => [
    r.metric,
    r.target,
    ...r.values.map((v, i) => `${r.pass[i] === null ? " " : r.pass[i] ? "✓" : "✗"} ${v}`),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join(" │ ");
  return { rows, text: [fmt(header), widths.map((w) => "─".repeat(w)).join("─┼─"), ...lines.map(fmt)].join("\n") };
}

/** For every missed target: where the time goes, from this run's own numbers (bench/README.md has the profiles). */
function notes(sdk: R, backends: Record<string, R>): string[] {
  const out: string[] = [];
  const f = (n: number, d = 1) => String(round(n, d));
  for (const [name, b] of Object.entries(backends)) {
    const embedded = name === "pglite" ? " and PGlite, which runs inside the server process" : "";
    const w = b.wire;
    const dec = w?.runs.find((r: R) => r.route === "decisions" && r.connections === 10);
    const floor = w?.runs.find((r: R) => r.route === "node:http floor" && r.connections === 10);
    if (
      dec &&
      floor &&
      (dec.rps < TARGETS.decisionsRps ||
        dec.cpuUsPerRequest > TARGETS.decisionsCpuUs ||
        dec.p99 > TARGETS.decisionsP99Ms)
    ) {
      out.push(
        `${name} decisions: ${dec.cpuUsPerRequest} µs of server CPU per decision against the bare node:http floor's ${floor.cpuUsPerRequest} µs (${floor.rps} req/s)${w.pinned ? "" : " — not pinned (no taskset or one core), so both compete with the load generator"}. ` +
          `The ${f(dec.cpuUsPerRequest - floor.cpuUsPerRequest)} µs above the floor are the front's own work (lib/http/front.ts: the remembered key, the rate limit, the body's validator, the cached tiers and serialised answer, the response's security headers, the metrics)${embedded}; the floor itself is ${f(floor.cpuUsPerRequest)} µs, so the ${TARGETS.decisionsCpuUs} µs target leaves the front ${f(TARGETS.decisionsCpuUs - floor.cpuUsPerRequest)} µs in this run. ` +
          `On a loaded machine (load ${Math.max(...(dec.load as number[]))}) every number here is inflated alike: compare with the floor. bench/profile-wire.ts profiles the server under this load.`,
      );
    }
    const i = b.ingest;
    if (i && Math.max(i.oneClient.eventsPerSecond, i.fourClients.eventsPerSecond) < TARGETS.ingestEps) {
      out.push(
        `${name} ingest: ${f(i.oneClient.serverCpuMsPer1000)} ms of server CPU per 1,000 events (≤ ${i.oneClient.cpuBoundEventsPerSecond}/s per core; ${f(i.oneClient.serverMeanMs)} ms per batch inside the handler). ` +
          `Most of it is Prisma's createManyAndReturn of the 1,000 rows (lib/events/mutations.ts; see bench/README.md: the same insert as one INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING is ~6× cheaper). ` +
          `Four clients reach ${i.fourClients.eventsPerSecond}/s: batches serialise on the action types' FOR UPDATE and on the audit chain's advisory lock${name === "pglite" ? ", and PGlite has a single connection" : ""}.`,
      );
    }
    const s = b.stream;
    if (s && (s.missed || s.sendToFrame.p99 >= TARGETS.tierDelayP99Ms))
      out.push(
        `${name} tier stream: ${s.missed} frames missed; p99 ${s.sendToFrame.p99} ms (the freeze request itself: p99 ${s.freezeRequest.p99} ms).`,
      );
    const o = b.overview;
    const bd = b.overviewBreakdown;
    if (o && bd && o.page.p99 >= TARGETS.overviewMs) {
      out.push(
        `${name} overview: the first page takes ${bd.firstPage.ms} ms in-process (${bd.actionTypes} action types); the page adds ~${Math.round(o.page.p50 - bd.firstPage.ms)} ms to authenticate, render and send it.`,
      );
    }
  }
  if (sdk && sdk.knownNs >= TARGETS.modeNs) out.push(`SDK mode(): ${sdk.knownNs} ns per call (${sdk.source}).`);
  return out;
}

async function main() {
  if (args.report) {
    // Print the table and notes of an earlier run again: --report=bench/results/<file>.json
    const saved = JSON.parse(readFileSync(args.report, "utf8")) as R;
    console.log(table(saved.sdk, saved.backends).text);
    for (const n of notes(saved.sdk, saved.backends)) console.log(`• ${n}`);
    return;
  }
  const started = new Date();
  // The benchmark measures the code as it is: the same staleness check `npm start` uses.
  if (!args["no-build"] && !SERVERLESS)
    execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], {
      stdio: "inherit",
      env: { ...process.env, NEXT_DIST_DIR: DIST_DIR },
    });
  const workDir = mkdtempSync(path.join(os.tmpdir(), "cwr-bench-"));
  const out: R = {
    startedAt: started.toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      loadAtStart: os.loadavg().map((x) => round(x, 2)),
    },
    options: {
      backends: BACKENDS,
      events: EVENTS,
      agents: AGENTS,
      typesPerAgent: TYPES,
      days: DAYS,
      durationS: DURATION,
      connections: CONNECTIONS,
      quick: QUICK,
      only: [...ONLY],
      distDir: DIST_DIR,
    },
    targets: TARGETS,
    backends: {} as R,
  };
  try {
    say("SDK mode()");
    out.sdk = await benchSdk();
    for (const kind of BACKENDS) {
      const dir = path.join(workDir, kind);
      mkdirSync(dir, { recursive: true });
      out.backends[kind] = { backend: kind };
      await benchBackend(kind, dir, out.backends[kind]);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const t = table(out.sdk, out.backends);
  out.table = t.rows;
  out.notes = notes(out.sdk, out.backends);
  out.finishedAt = new Date().toISOString();
  mkdirSync("bench/results", { recursive: true });
  const file = path.join("bench/results", `bench-${started.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(out, null, 2));
  console.log(
    `\n${t.text}\n\n✓ target met, ✗ missed; (load …) is the 1-minute load average of this ${os.cpus().length}-core machine during the run.`,
  );
  if (out.notes.length) console.log(`\nWhere the time goes:\n${out.notes.map((n: string) => `• ${n}`).join("\n")}`);
  console.log(`\nDetails: ${file}`);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
