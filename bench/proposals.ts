// `npx tsx bench/proposals.ts [--n=200] [--backends=pglite,postgres] [--wait=poll,stream] [--no-build]`
// The proposal round trip (issue 22, SPEC §8) against the real production server, as an agent and a
// system of record live it over HTTP:
//   1. the agent proposes (POST /api/v1/proposals, agent key) and at once waits for the decision
//      (GET /api/v1/proposals/{id}?wait=30, the long poll the SDK's awaitDecision uses);
//   2. the system of record accepts it (POST /api/v1/proposals/{id}/decision, reporter key): the
//      decision, its one CRAWL outcome through the ingest path and the audit entry, in one transaction;
//   3. the long poll answers; the agent consumes the grant with its digest (POST …/consume).
// With --wait=stream (run by default after the long poll) the agent instead holds the tier stream open
// and learns the decision from its `proposal_decided` event, then reads the proposal once, as the SDK's
// awaitDecision does when its stream is connected.
// p50/p99 of each step and of the whole round trip (propose sent → consume answered), on PGlite and on
// a private PostgreSQL (when installed). The server's threads are pinned to core 0 and this client to
// core 1 (taskset), as bench/run.ts does; the 1-minute load average is printed and saved beside the
// numbers. Prints its rows and writes JSON to bench/results/proposals-<time>.json.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { canPin, pin } from "./lib/autocannon";
import { startPostgres } from "./lib/pg";
import { writeResults } from "./lib/results";
import { DIST_DIR, startBenchServer, type BenchServer } from "./lib/server";
import { openStream } from "./lib/sse";
import { load, percentile, round } from "./lib/stats";
import { createKey } from "../tests/helpers/server";

const { values: args } = parseArgs({
  options: {
    n: { type: "string", default: "200" },
    warmup: { type: "string", default: "20" },
    backends: { type: "string", default: "pglite,postgres" },
    wait: { type: "string", default: "poll,stream" },
    "no-build": { type: "boolean", default: false },
  },
});
const N = Number(args.n);
const WARMUP = Number(args.warmup);
const BACKENDS = args.backends!.split(",").filter(Boolean) as Array<"pglite" | "postgres">;
const WAITS = args.wait!.split(",").filter(Boolean) as WaitMode[];
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

/**
 * How the agent learns the decision, as the SDK's awaitDecision does: `poll`, the long poll
 * (GET …/{id}?wait=30); `stream`, the tier stream's `proposal_decided` event, then one GET.
 */
type WaitMode = "poll" | "stream";

async function roundTrips(server: BenchServer, backend: string, mode: WaitMode): Promise<Steps> {
  const base = `${server.baseUrl}/api/v1/proposals`;
  const agentKey = await createKey(server.baseUrl, AGENT, `bench-proposals-${backend}-${mode}`);
  const reporterKey = await createKey(server.baseUrl, AGENT, `bench-helpdesk-${backend}-${mode}`, "reporter");
  const stream = mode === "stream" ? await openStream(server.baseUrl, agentKey) : null;
  const steps: Steps = { propose: [], decide: [], notified: [], consume: [], total: [] };
  const run = `${mode}-${Date.now().toString(36)}`;
  try {
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
      const from = stream?.frames.length ?? 0;
      const waited = stream
        ? stream
            .waitFor((f) => f.event === "proposal_decided" && (f.data as { id?: string }).id === id, 30_000, from)
            .then(async (frame) => {
              if (!frame) throw new Error("no proposal_decided within 30 s");
              tNotified = frame.at;
              return (await call(`${base}/${id}`, agentKey)).json as { status: string };
            })
        : call(`${base}/${id}?wait=30`, agentKey).then((r) => {
            tNotified = performance.now();
            return r.json as { status: string };
          });
      await call(`${base}/${id}/decision`, reporterKey, { decision: "accept", decidedBy: `agent-${i % 7}` });
      const t2 = performance.now();
      const seen = await waited;
      if (seen.status !== "accepted") throw new Error(`the agent read ${seen.status}, not accepted`);
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
  } finally {
    stream?.close();
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
    wait: WaitMode;
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
      for (const wait of WAITS) {
        const before = load();
        const steps = await roundTrips(server, backend, wait);
        rows.push({
          backend,
          wait,
          n: N,
          serverPinned,
          load: [before, load()],
          steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, summary(v)])) as Record<
            keyof Steps,
            { p50: number; p99: number }
          >,
        });
      }
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
      `${r.backend.padEnd(9)} ${r.wait === "poll" ? "long poll" : "stream   "} round trip p50 ${s.total.p50} ms p99 ${s.total.p99} ms · ` +
        `propose ${s.propose.p50}/${s.propose.p99} · decide ${s.decide.p50}/${s.decide.p99} · ` +
        `agent told +${s.notified.p50}/+${s.notified.p99} · consume ${s.consume.p50}/${s.consume.p99} ms (p50/p99)` +
        ` · load ${r.load[0]}→${r.load[1]}${r.serverPinned ? "" : " · not pinned"}`,
    );
  }
  const file = writeResults("proposals", rows);
  console.log(`written to ${file}`);
  process.exit(0);
}

void main();
