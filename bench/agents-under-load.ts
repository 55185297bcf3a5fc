// `npx tsx bench/agents-under-load.ts [--backends=pglite,postgres] [--seconds=20] [--no-build]
//   [--only=rest,replay,ingest,signin] [--ingest-rate=3000] [--signins=24] [--replayers=4] [--probe-rate=200]`
// Nothing a person starts slows the agents (issue 21 item 7, SPEC §6): agents' decisions p50/p99 while
//   • four admins replay a policy (the policy editor's server action, as the dashboard calls it),
//   • an agent ingests at 3,000 events/s (batches of 1,000),
//   • 24 people sign in at once (the full credentials flow, right password),
// and at rest, on PGlite and on PostgreSQL. The server runs on core 0 (taskset -a), the load and the
// decision probe on core 1. Decisions are an open-loop paced probe (bench/lib/paced.ts: latency from
// the moment each request was due). Beside every row: the server's CPU per unit of the load and per
// request, from /proc. Target: decisions p99 < 50 ms in every row.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { DIST_DIR, startBenchServer, type BenchServer } from "./lib/server";
import { startPostgres } from "./lib/pg";
import { canPin, pin } from "./lib/autocannon";
import { cpuMs } from "./lib/cpu";
import { load, round, sleep } from "./lib/stats";
import { createKey, signInCookie } from "../tests/helpers/server";
import { defaultPolicy } from "@cwr/gating/defaults";

const { values: args } = parseArgs({
  options: {
    backends: { type: "string", default: "pglite,postgres" },
    seconds: { type: "string", default: "20" },
    only: { type: "string", default: "rest,replay,ingest,signin" },
    "ingest-rate": { type: "string", default: "3000" },
    signins: { type: "string", default: "24" },
    replayers: { type: "string", default: "4" },
    "probe-rate": { type: "string", default: "200" },
    "no-build": { type: "boolean", default: false },
  },
});
const SECONDS = Number(args.seconds);
const PROBE_RATE = Number(args["probe-rate"]);
const ONLY = new Set(args.only.split(","));
const TARGET_P99_MS = 50;
const pinned = canPin();

interface Paced {
  completed: number;
  achievedRps: number;
  errors: number;
  non2xx: number;
  latencyMs: { p50: number; p99: number; max: number };
}

/** A child process of ours, on the load core when pinning is possible; resolves with its JSON line. */
function child(script: string, arg: unknown): Promise<Record<string, unknown>> {
  const argv = ["--import", "tsx", script, JSON.stringify(arg)];
  const p = pinned
    ? spawn("taskset", ["-c", "1", process.execPath, ...argv], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  p.stdout!.on("data", (d) => (out += d));
  return new Promise((resolve, reject) =>
    p.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`${script} exited ${code}: ${out.slice(-500)}`));
      }
    }),
  );
}

function probe(server: BenchServer, key: string, seconds: number): Promise<Paced> {
  return child("bench/lib/paced.ts", {
    url: `${server.baseUrl}/api/v1/decisions`,
    rate: PROBE_RATE,
    durationS: seconds,
    connections: 8,
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ action: "refund.issue", audience: "external" }),
  }) as unknown as Promise<Paced>;
}

interface Row {
  scenario: string;
  decisions: { rps: number; p50: number; p99: number; max: number; errors: number };
  load: Record<string, unknown> | null;
  serverCpuMs: number;
  serverCpuMsPerSecond: number;
  /** ms of server CPU per unit of the load (a sign-in, a replay, 1,000 events) */
  serverCpuMsPerUnit: number | null;
  unit: string | null;
  machineLoad: number;
  pass: boolean;
}

async function scenario(
  name: string,
  server: BenchServer,
  key: string,
  people: { arg: Record<string, unknown>; unit: string; units: (r: Record<string, unknown>) => number } | null,
): Promise<Row> {
  const cpu0 = cpuMs(server.process.pid);
  const t0 = performance.now();
  // The probe starts a moment after the load so that it measures the load's steady state.
  const loadRun = people ? child("bench/lib/people-load.ts", { ...people.arg, seconds: SECONDS + 2 }) : null;
  if (people) await sleep(1_000);
  const [dec, loadResult] = await Promise.all([probe(server, key, SECONDS), loadRun]);
  const cpu = cpuMs(server.process.pid) - cpu0;
  const wall = (performance.now() - t0) / 1000;
  const units = people && loadResult ? people.units(loadResult) : 0;
  const row: Row = {
    scenario: name,
    decisions: {
      rps: dec.achievedRps,
      p50: dec.latencyMs.p50,
      p99: dec.latencyMs.p99,
      max: dec.latencyMs.max,
      errors: dec.errors + dec.non2xx,
    },
    load: loadResult,
    serverCpuMs: Math.round(cpu),
    serverCpuMsPerSecond: Math.round(cpu / wall),
    serverCpuMsPerUnit: people && units > 0 ? round(cpu / units, 1) : null,
    unit: people?.unit ?? null,
    machineLoad: load(),
    pass: dec.latencyMs.p99 < TARGET_P99_MS && dec.errors + dec.non2xx === 0,
  };
  console.log(format(row));
  return row;
}

function format(r: Row): string {
  const d = r.decisions;
  const l = r.load ?? {};
  const what =
    r.unit === "1,000 events"
      ? `${l.eventsPerSecond} events/s`
      : r.unit === "sign-in"
        ? `${l.signIns} sign-ins (${l.perSecond}/s)`
        : r.unit === "replay"
          ? `${l.replays} replays (${l.perSecond}/s)`
          : "";
  const perUnit = r.serverCpuMsPerUnit === null ? "" : ` · ${r.serverCpuMsPerUnit} ms CPU per ${r.unit}`;
  return (
    `${r.pass ? "✓" : "✗"} ${r.scenario.padEnd(26)} decisions p50 ${d.p50} / p99 ${d.p99} / max ${d.max} ms at ${d.rps} req/s` +
    `${d.errors ? ` (${d.errors} errors)` : ""} · ${what} · server ${r.serverCpuMsPerSecond} ms CPU/s${perUnit}` +
    ` · answers ${JSON.stringify(l.answers ?? {})} (load ${r.machineLoad})`
  );
}

/**
 * The demo's refund.issue (run after the ingest row, so it holds the most outcomes) under the default
 * policy of its blast radius: what an admin opening the policy editor would replay.
 */
async function replayTarget(server: BenchServer, admin: string) {
  const res = await fetch(`${server.baseUrl}/api/dashboard/overview?q=refund.issue`, { headers: { cookie: admin } });
  const body = (await res.json()) as { rows: Array<Record<string, unknown>> };
  const row = body.rows.find((r) => Object.values(r).includes("refund.issue"));
  const id = row?.actionTypeId ?? row?.id;
  if (typeof id !== "string") throw new Error(`no refund.issue in the overview: ${JSON.stringify(body).slice(0, 300)}`);
  return { actionTypeId: id, rules: defaultPolicy("high") };
}

async function benchBackend(kind: string, dir: string): Promise<Row[]> {
  let pg: Awaited<ReturnType<typeof startPostgres>> = null;
  let env: Record<string, string>;
  if (kind === "pglite") env = { PGLITE_DIR: path.join(dir, "pglite") };
  else {
    pg = await startPostgres();
    if (!pg) {
      console.log("postgres: no PostgreSQL binaries (apt-get install -y postgresql); skipped");
      return [];
    }
    env = {
      DATABASE_URL: pg.url,
      SEED_ON_START: "on",
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      AUTH_CREDENTIALS: "on",
    };
  }
  const server = await startBenchServer(env, path.join(dir, "server.log"));
  const rows: Row[] = [];
  try {
    if (pinned) pin(server.process.pid, "0");
    console.log(`\n${kind}: server pinned to core ${pinned ? "0, load and probe on core 1" : "— (no taskset)"}`);
    const key = await createKey(server.baseUrl, "support-bot", "agents-under-load");
    const admin = await signInCookie(server.baseUrl, "admin@demo.local");
    const tiers = (await (
      await fetch(`${server.baseUrl}/api/v1/tiers`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { tiers: Array<{ action: string }> };
    const actions = tiers.tiers.map((t) => t.action);
    await probe(server, key, 3); // warm-up
    if (ONLY.has("rest")) rows.push(await scenario("at rest", server, key, null));
    if (ONLY.has("ingest")) {
      rows.push(
        await scenario(`ingest at ${args["ingest-rate"]} events/s`, server, key, {
          arg: { kind: "ingest", baseUrl: server.baseUrl, key, actions, rate: Number(args["ingest-rate"]) },
          unit: "1,000 events",
          units: (r) => Number(r.events) / 1000,
        }),
      );
    }
    if (ONLY.has("replay")) {
      const target = await replayTarget(server, admin);
      rows.push(
        await scenario(`${args.replayers} admins replaying`, server, key, {
          arg: { kind: "replay", baseUrl: server.baseUrl, clients: Number(args.replayers), ...target },
          unit: "replay",
          units: (r) => Number(r.replays),
        }),
      );
    }
    if (ONLY.has("signin")) {
      rows.push(
        await scenario(`${args.signins} concurrent sign-ins`, server, key, {
          arg: { kind: "signin", baseUrl: server.baseUrl, clients: Number(args.signins) },
          unit: "sign-in",
          units: (r) => Number(r.signIns),
        }),
      );
    }
  } catch (e) {
    console.log(`${kind} failed: ${(e as Error).stack}\n${server.logTail()}`);
  } finally {
    await server.stop();
    pg?.stop();
  }
  return rows;
}

if (!args["no-build"])
  execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_DIST_DIR: DIST_DIR },
  });
const work = mkdtempSync(path.join(os.tmpdir(), "cwr-agents-under-load-"));
const all: Record<string, Row[]> = {};
try {
  for (const kind of args.backends.split(",")) {
    const dir = path.join(work, kind);
    mkdirSync(dir, { recursive: true });
    all[kind] = await benchBackend(kind, dir);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const missed = Object.entries(all).flatMap(([k, rows]) =>
  rows.filter((r) => !r.pass).map((r) => `${k}: ${r.scenario}`),
);
console.log(
  `\nDecisions p99 target < ${TARGET_P99_MS} ms: ${missed.length ? `✗ missed in ${missed.join("; ")}` : "✓ met in every row"} (machine load ${load()}, ${os.cpus().length} cores)`,
);
mkdirSync("bench/results", { recursive: true });
const file = path.join("bench/results", `agents-under-load-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify({ options: args, pinned, cpus: os.cpus().length, backends: all }, null, 2));
console.log(`Details: ${file}`);
process.exit(missed.length ? 1 : 0);
