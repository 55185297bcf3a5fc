// `npx tsx bench/streams-many.ts` — issue 26 item 5: many instances, many streams.
//
// Four instances of the production server (server.ts on the build in NEXT_DIST_DIR, default .next-bench;
// build it first: `NEXT_DIST_DIR=.next-bench npx next build`) on one private PostgreSQL, and 2,000 tier-stream
// clients spread over them round-robin. Measures:
//   • tier change → every client: a freeze/unfreeze sent to instance 0, the time from the change's commit
//     (the `changedAt` its frame carries) until each client, on every instance, receives its tier_change
//     frame (the change reaches the others by LISTEN/NOTIFY); p50/p99/max over all clients and toggles,
//     and p99 per instance. Target: p99 < 100 ms. Send → frame (the freeze request included) beside it.
//   • ingest from 4 clients, one per instance: batches of 1,000 events, events per second in all.
//     Target: the single-instance ingest target (10,000 events/s).
// Prints each target beside its result and writes JSON to bench/results/streams-many-<time>.json.
// Options: --clients=2000 --instances=4 --toggles=20 --batches=40
// A key holds SSE_MAX_STREAMS_PER_KEY streams per instance (default 20): the bench raises it to fit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createKey, signInCookie } from "../tests/helpers/server";
import { startBenchServer, type BenchServer } from "./lib/server";
import { startPostgres } from "./lib/pg";
import { openStream, type StreamClient } from "./lib/sse";
import { load, percentile, round, sleep } from "./lib/stats";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "2000" },
    instances: { type: "string", default: "4" },
    toggles: { type: "string", default: "20" },
    batches: { type: "string", default: "40" },
  },
});
const CLIENTS = Number(args.clients);
const INSTANCES = Number(args.instances);
const TOGGLES = Number(args.toggles);
const BATCHES = Number(args.batches);
const TARGETS = { tierDelayP99Ms: 100, ingestEps: 10_000 };

const say = (m: string) => console.log(`[streams-many ${new Date().toISOString().slice(11, 19)} load ${load()}] ${m}`);
const summarize = (xs: number[]) =>
  xs.length
    ? { p50: round(percentile(xs, 50), 1), p99: round(percentile(xs, 99), 1), max: round(Math.max(...xs), 1) }
    : null;

const SUCCESS_KIND = { CRAWL: "suggestion.accepted", WALK: "action.completed", RUN: "outcome.positive" } as const;
type TierName = keyof typeof SUCCESS_KIND;

/** Opens `n` streams spread over the instances, `chunk` at a time, each waited for its snapshot. */
async function openClients(servers: BenchServer[], key: string, n: number, chunk = 100) {
  const clients: Array<{ server: number; client: StreamClient }> = [];
  for (let start = 0; start < n; start += chunk) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(chunk, n - start) }, async (_, j) => {
        const server = (start + j) % servers.length;
        const client = await openStream(servers[server]!.baseUrl, key);
        if (!(await client.waitFor((f) => f.event === "snapshot", 30_000))) throw new Error("stream: no snapshot");
        return { server, client };
      }),
    );
    clients.push(...opened);
  }
  return clients;
}

async function tierChange(servers: BenchServer[], key: string, cookie: string) {
  const overview = (await (
    await fetch(`${servers[0]!.baseUrl}/api/dashboard/overview?agent=support-bot&q=ticket.tag`, { headers: { cookie } })
  ).json()) as { rows: Array<{ id: string; key: string; frozen: boolean; stateVersion: number }> };
  const target = overview.rows.find((r) => r.key === "ticket.tag")!;
  say(`tier change: opening ${CLIENTS} streams over ${servers.length} instances`);
  const t0 = performance.now();
  const clients = await openClients(servers, key, CLIENTS);
  const openMs = Math.round(performance.now() - t0);
  let frozen = target.frozen;
  let stateVersion = target.stateVersion;
  // send → frame includes the freeze request itself (a server action's transaction and audit entry);
  // commit → frame is from the change's timestamp the frame carries (`changedAt`, written in the
  // change's transaction), as the single-instance row of bench/run.ts judges it.
  const samples: Array<{ server: number; ms: number; fromCommit: number }> = [];
  const freezeMs: number[] = [];
  let missed = 0;
  const l0 = load();
  for (let t = 0; t < TOGGLES; t++) {
    frozen = !frozen;
    const marks = clients.map((c) => c.client.frames.length);
    const sentAt = performance.now();
    const sentWall = Date.now();
    const waits = clients.map((c, i) =>
      c.client.waitFor(
        (f) =>
          f.event === "tier_change" &&
          (f.data as { action: string }).action === "ticket.tag" &&
          (f.data as { frozen: boolean }).frozen === frozen,
        10_000,
        marks[i],
      ),
    );
    const res = await fetch(`${servers[0]!.baseUrl}/api/admin/action-types/${target.id}/freeze`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ frozen, stateVersion, rationale: `Benchmark: many streams, toggle ${t}.` }),
    });
    if (res.status !== 200) throw new Error(`freeze: ${res.status} ${await res.text()}`);
    freezeMs.push(performance.now() - sentAt);
    stateVersion = ((await res.json()) as { stateVersion: number }).stateVersion;
    const frames = await Promise.all(waits);
    frames.forEach((f, i) => {
      if (!f) return missed++;
      const changedAt = Date.parse((f.data as { changedAt: string }).changedAt);
      samples.push({
        server: clients[i]!.server,
        ms: f.at - sentAt,
        fromCommit: sentWall + (f.at - sentAt) - changedAt,
      });
    });
    await sleep(200);
  }
  for (const c of clients) c.client.close();
  return {
    clients: clients.length,
    instances: servers.length,
    toggles: TOGGLES,
    openMs,
    missed,
    sendToFrame: summarize(samples.map((s) => s.ms)),
    commitToFrame: summarize(samples.map((s) => s.fromCommit)),
    freezeRequest: summarize(freezeMs),
    byInstance: servers.map((_, s) => summarize(samples.filter((x) => x.server === s).map((x) => x.fromCommit))),
    load: [l0, load()],
  };
}

async function ingest(servers: BenchServer[], key: string) {
  const tiers = (
    (await (
      await fetch(`${servers[0]!.baseUrl}/api/v1/tiers`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as {
      tiers: Array<{ action: string; tier: TierName }>;
    }
  ).tiers;
  const run = `${process.pid}-${Date.now()}`;
  const body = (b: number) =>
    JSON.stringify({
      events: Array.from({ length: 1000 }, (_, i) => {
        const a = tiers[i % tiers.length]!;
        return {
          idempotencyKey: `many-${run}-${b}-${i}`,
          action: a.action,
          kind: SUCCESS_KIND[a.tier],
          tier: a.tier,
          occurredAt: new Date(Date.now() - 60_000 - i * 10).toISOString(),
        };
      }),
    });
  const bodies = Array.from({ length: BATCHES }, (_, b) => body(b));
  let next = 0;
  let accepted = 0;
  const batchMs: number[] = [];
  const l0 = load();
  const started = performance.now();
  // One client per instance, each taking the next batch when its last one is answered.
  await Promise.all(
    servers.map(async (server) => {
      for (let b = next++; b < BATCHES; b = next++) {
        const t = performance.now();
        const res = await fetch(`${server.baseUrl}/api/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: bodies[b],
        });
        const r = (await res.json()) as { accepted?: number };
        if (res.status !== 200) throw new Error(`ingest: ${res.status} ${JSON.stringify(r).slice(0, 300)}`);
        accepted += r.accepted ?? 0;
        batchMs.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    clients: servers.length,
    batches: BATCHES,
    accepted,
    eventsPerSecond: Math.round(accepted / seconds),
    batch: summarize(batchMs),
    load: [l0, load()],
  };
}

async function main() {
  const started = new Date();
  const pg = await startPostgres();
  if (!pg) throw new Error("no PostgreSQL binaries: apt-get install -y postgresql");
  const workDir = mkdtempSync(path.join(os.tmpdir(), "cwr-streams-many-"));
  const servers: BenchServer[] = [];
  const out: Record<string, unknown> = {
    startedAt: started.toISOString(),
    database: `PostgreSQL ${pg.version}`,
    targets: TARGETS,
  };
  try {
    const env = {
      DATABASE_URL: pg.url,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      AUTH_CREDENTIALS: "on",
      SSE_MAX_STREAMS_PER_KEY: String(Math.ceil(CLIENTS / INSTANCES) + 10),
    };
    say(`starting ${INSTANCES} instances on one PostgreSQL (the first migrates and seeds)`);
    servers.push(await startBenchServer({ ...env, SEED_ON_START: "on" }, path.join(workDir, "server-0.log")));
    for (let i = 1; i < INSTANCES; i++)
      servers.push(await startBenchServer({ ...env, SEED_ON_START: "off" }, path.join(workDir, `server-${i}.log`)));
    const cookie = await signInCookie(servers[0]!.baseUrl, "admin@demo.local");
    const key = await createKey(servers[0]!.baseUrl, "support-bot", "streams-many");
    out.tierChange = await tierChange(servers, key, cookie);
    say("ingest: one client per instance");
    out.ingest = await ingest(servers, key);
  } catch (e) {
    out.error = (e as Error).stack;
    out.serverLog = servers.map((s) => s.logTail().slice(-1500));
    throw e;
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    pg.stop();
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync("bench/results", { recursive: true });
    const file = path.join("bench/results", `streams-many-${started.toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify(out, null, 2));
    report(out);
    console.log(`\nDetails: ${file}`);
  }
}

/** The two rows, each target beside its result. */
function report(out: Record<string, unknown>) {
  const tc = out.tierChange as Awaited<ReturnType<typeof tierChange>> | undefined;
  const ing = out.ingest as Awaited<ReturnType<typeof ingest>> | undefined;
  const rows: string[][] = [["metric", "target", "result"]];
  if (tc?.commitToFrame && tc.sendToFrame) {
    const p99 = tc.commitToFrame.p99;
    const verdict = p99 < TARGETS.tierDelayP99Ms ? "✓ met" : `✗ missed by ${round(p99 - TARGETS.tierDelayP99Ms, 1)} ms`;
    rows.push([
      `tier change → ${tc.clients} stream clients on ${tc.instances} instances: commit→frame p50/p99/max ms`,
      `p99 < ${TARGETS.tierDelayP99Ms}`,
      `${verdict}: ${tc.commitToFrame.p50}/${p99}/${tc.commitToFrame.max}; p99 per instance ${tc.byInstance.map((b) => b?.p99 ?? "—").join(" · ")}; send→frame ${tc.sendToFrame.p50}/${tc.sendToFrame.p99} (the freeze request p50/p99 ${tc.freezeRequest?.p50}/${tc.freezeRequest?.p99}); missed ${tc.missed}; (load ${tc.load.join("→")})`,
    ]);
  }
  if (ing) {
    const verdict =
      ing.eventsPerSecond >= TARGETS.ingestEps ? "✓ met" : `✗ missed by ${TARGETS.ingestEps - ing.eventsPerSecond}/s`;
    rows.push([
      `ingest, ${ing.clients} clients over ${ing.clients} instances, events/s`,
      `≥ ${TARGETS.ingestEps}`,
      `${verdict}: ${ing.eventsPerSecond} (${ing.accepted} events; batch p50/p99 ${ing.batch?.p50}/${ing.batch?.p99} ms; load ${ing.load.join("→")})`,
    ]);
  }
  if (out.error) rows.push(["error", "—", String(out.error).split("\n")[0]!]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((v, c) => v.padEnd(widths[c]!)).join("  │  "));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
