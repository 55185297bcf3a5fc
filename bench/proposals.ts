// `npx tsx bench/proposals.ts [--n=200] [--backends=pglite,postgres] [--no-build]`
// The proposal round trip (issue 22, SPEC §8) against the real production server, as an agent and a
// system of record live it over HTTP:
//   1. the agent proposes (POST /api/v1/proposals, agent key) and at once waits for the decision
//      (GET /api/v1/proposals/{id}?wait=30, the long poll the SDK's awaitDecision uses);
//   2. the system of record accepts it (POST /api/v1/proposals/{id}/decision, reporter key): the
//      decision, its one CRAWL outcome through the ingest path and the audit entry, in one transaction;
//   3. the long poll answers; the agent consumes the grant with its digest (POST …/consume).
// p50/p99 of each step and of the whole round trip (propose sent → consume answered), on PGlite and on
// a private PostgreSQL (when installed). The server's threads are pinned to core 0 and this client to
// core 1 (taskset), as bench/run.ts does; the 1-minute load average is printed and saved beside the
// numbers. Prints its rows and writes JSON to bench/results/proposals-<time>.json.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { canPin, pin } from "./lib/autocannon";
import { startPostgres } from "./lib/pg";
import { DIST_DIR, startBenchServer, type BenchServer } from "./lib/server";
import { load, percentile, round } from "./lib/stats";
import { createKey } from "../tests/helpers/server";

const { values: args } = parseArgs({
  options: {
    n: { type: "string", default: "200" },
    warmup: { type: "string", default: "20" },
    backends: { type: "string", default: "pglite,postgres" },
    "no-build": { type: "boolean", default: false },
  },
});
const N = Number(args.n);
const WARMUP = Number(args.warmup);
const BACKENDS = args.backends!.split(",").filter(Boolean) as Array<"pglite" | "postgres">;
const AGENT = "support-bot";
const ACTION = "refund.issue";

type Steps = { propose: number[]; decide: number[]; notified: number[]; consume: number[]; total: number[] };

async function call(url: string, key: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json: unknown = await res.json();
  if (res.status >= 300) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json)}`);
  return { status: res.status, json };
}

async function roundTrips(server: BenchServer, backend: string): Promise<Steps> {
  const base = `${server.baseUrl}/api/v1/proposals`;
  const agentKey = await createKey(server.baseUrl, AGENT, `bench-proposals-${backend}`);
  const reporterKey = await createKey(server.baseUrl, AGENT, `bench-helpdesk-${backend}`, "reporter");
  const steps: Steps = { propose: [], decide: [], notified: [], consume: [], total: [] };
  const run = `${Date.now().toString(36)}`;
  for (let i = 0; i < WARMUP + N; i++) {
    const t0 = performance.now();
    const { json } = await call(base, agentKey, {
      idempotencyKey: `bench-${run}-${i}`,
      action: ACTION,
      audience: "external",
      subject: `customer:${i}`,
      summary: `Refund order A-${i}`,
      parameters: { order: `A-${i}`, amount: 10 + (i % 50), currency: "EUR" },
    });
    const { id, digest } = json as { id: string; digest: string };
    const t1 = performance.now();
    // The agent waits as the SDK does; the decision arrives while it waits.
    let tNotified = 0;
    const waited = call(`${base}/${id}?wait=30`, agentKey).then((r) => {
      tNotified = performance.now();
      return r.json as { status: string };
    });
    await call(`${base}/${id}/decision`, reporterKey, { decision: "accept", decidedBy: `agent-${i % 7}` });
    const t2 = performance.now();
    const seen = await waited;
    if (seen.status !== "accepted") throw new Error(`the long poll answered ${seen.status}, not accepted`);
    const t3 = performance.now();
    await call(`${base}/${id}/consume`, agentKey, { digest });
    const t4 = performance.now();
    if (i < WARMUP) continue;
    steps.propose.push(t1 - t0);
    steps.decide.push(t2 - t1);
    steps.notified.push(Math.max(tNotified, t2) - t2);
    steps.consume.push(t4 - t3);
    steps.total.push(t4 - t0);
  }
  return steps;
}

const summary = (v: number[]) => ({ p50: round(percentile(v, 50), 1), p99: round(percentile(v, 99), 1) });

async function main() {
  if (!args["no-build"])
    execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], {
      stdio: "inherit",
      env: { ...process.env, NEXT_DIST_DIR: DIST_DIR },
    });
  const pinned = canPin() && pin(process.pid, "1");
  const rows: Array<{
    backend: string;
    n: number;
    serverPinned: boolean;
    load: [number, number];
    steps: Record<keyof Steps, { p50: number; p99: number }>;
  }> = [];
  for (const backend of BACKENDS) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-bench-proposals-"));
    const pg = backend === "postgres" ? await startPostgres() : null;
    if (backend === "postgres" && !pg) {
      console.log("postgres: no PostgreSQL binaries installed; skipped");
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    const server = await startBenchServer(
      pg
        ? // Production mode on a server database wants a real session secret, and the demo (support-bot, admin).
          {
            DATABASE_URL: pg.url,
            SEED_ON_START: "on",
            AUTH_SECRET: randomBytes(32).toString("base64url"),
            AUTH_CREDENTIALS: "on",
          }
        : { PGLITE_DIR: path.join(dir, "pglite") },
      path.join(dir, "server.log"),
    );
    try {
      const serverPinned = pinned && pin(server.process.pid, "0");
      const before = load();
      const steps = await roundTrips(server, backend);
      rows.push({
        backend,
        n: N,
        serverPinned,
        load: [before, load()],
        steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, summary(v)])) as Record<
          keyof Steps,
          { p50: number; p99: number }
        >,
      });
    } finally {
      await server.stop();
      pg?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nProposal → decision → consume over HTTP, ${N} round trips (after ${WARMUP} warm-up), real server`);
  for (const r of rows) {
    const s = r.steps;
    console.log(
      `${r.backend.padEnd(9)} round trip p50 ${s.total.p50} ms p99 ${s.total.p99} ms · ` +
        `propose ${s.propose.p50}/${s.propose.p99} · decide ${s.decide.p50}/${s.decide.p99} · ` +
        `long poll answered +${s.notified.p50}/+${s.notified.p99} · consume ${s.consume.p50}/${s.consume.p99} ms (p50/p99)` +
        ` · load ${r.load[0]}→${r.load[1]}${r.serverPinned ? "" : " · not pinned"}`,
    );
  }
  mkdirSync("bench/results", { recursive: true });
  const file = `bench/results/proposals-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, rows }, null, 2));
  console.log(`written to ${file}`);
  process.exit(0);
}

void main();
