// The agent's read routes at wire speed: decisions, GET /api/v1/tiers answered 304 and the OFREP
// bulk evaluation, at 10 and 50 connections, with the server pinned to core 0 and autocannon to
// core 1 (taskset, when it exists), against a bare node:http server measured the same way in the
// same run (the floor). Server CPU per request comes from /proc/<pid>/stat (utime + stime).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { autocannon, canPin, pin } from "./autocannon";
import { cpuMs } from "./cpu";
import { kill } from "../../tests/helpers/server";
import { load, round } from "./stats";

export interface WireRun {
  route: string;
  connections: number;
  durationS: number;
  rps: number;
  total: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  /** answers with another status than the route's normal one (200, or 304 for tiers-304) */
  unexpected: number;
  cpuUsPerRequest: number;
  /**
   * Of cpuUsPerRequest, what the server spends without any request (its timers, jobs, cache
   * refreshes and LISTEN), measured idle just before, spread over this run's requests: on a loaded
   * machine the load generator is starved, so fewer requests share it.
   */
  idleUsPerRequest: number;
  load: [number, number];
}

interface Target {
  route: string;
  url: string;
  method: "GET" | "POST";
  body?: string;
  headers: Record<string, string>;
  status: number;
}

/** The server's CPU ms per second with no request, over `seconds`. */
async function idleCpuMsPerSecond(pid: number | undefined, seconds: number): Promise<number> {
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return (cpuMs(pid) - cpu0) / ((performance.now() - t0) / 1000);
}

async function run(t: Target, pid: number | undefined, connections: number, duration: number): Promise<WireRun> {
  const idle = await idleCpuMsPerSecond(pid, 2);
  const l0 = load();
  const cpu0 = cpuMs(pid);
  const r = await autocannon(t.url, {
    connections,
    duration,
    method: t.method,
    body: t.body,
    headers: t.headers,
    core: "1",
  });
  const cpu = cpuMs(pid) - cpu0;
  const byStatus = r.statusCodeStats ?? {};
  const normal = byStatus[String(t.status)]?.count ?? (t.status === 200 ? r.requests.total - r.non2xx : r.non2xx);
  return {
    route: t.route,
    connections,
    durationS: duration,
    rps: round(r.requests.average, 0),
    total: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts,
    unexpected: r.requests.total - normal,
    cpuUsPerRequest: round((cpu * 1000) / Math.max(1, r.requests.total), 1),
    idleUsPerRequest: round((idle * duration * 1000) / Math.max(1, r.requests.total), 1),
    load: [l0, load()],
  };
}

async function startFloor(): Promise<{ child: ChildProcess; port: number }> {
  const script = path.resolve("bench/lib/floor-server.mjs");
  const child = canPin()
    ? spawn("taskset", ["-c", "0", process.execPath, script], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (d) => resolve(Number(String(d).trim())));
    child.once("exit", (code) => reject(new Error(`floor server exited ${code}`)));
  });
  return { child, port };
}

export async function benchWire(
  server: { baseUrl: string; process: ChildProcess },
  key: string,
  o: { duration: number; connections: number[]; say: (m: string) => void },
) {
  const auth = { authorization: `Bearer ${key}` };
  const json = { ...auth, "content-type": "application/json" };
  const etag = (await fetch(`${server.baseUrl}/api/v1/tiers`, { headers: auth })).headers.get("etag")!;
  const targets: Target[] = [
    {
      route: "decisions",
      url: `${server.baseUrl}/api/v1/decisions`,
      method: "POST",
      body: JSON.stringify({ action: "ticket.tag", audience: "external" }),
      headers: json,
      status: 200,
    },
    {
      route: "tiers-304",
      url: `${server.baseUrl}/api/v1/tiers`,
      method: "GET",
      headers: { ...auth, "if-none-match": etag },
      status: 304,
    },
    {
      route: "ofrep-bulk",
      url: `${server.baseUrl}/ofrep/v1/evaluate/flags`,
      method: "POST",
      body: JSON.stringify({ context: { targetingKey: "bench-user" } }),
      headers: json,
      status: 200,
    },
  ];
  const pid = server.process.pid;
  const cores = (await import("node:os")).cpus().length;
  const pinned = pin(pid, "0");
  const floor = await startFloor();
  const floorTarget: Target = {
    route: "node:http floor",
    url: `http://127.0.0.1:${floor.port}/`,
    method: "POST",
    body: targets[0]!.body,
    headers: { "content-type": "application/json" },
    status: 200,
  };
  const runs: WireRun[] = [];
  try {
    o.say(
      `wire: warm-up (${pinned ? "server on core 0, load generator on core 1" : "not pinned: no taskset or one core"})`,
    );
    for (const t of [floorTarget, ...targets]) await run(t, t === floorTarget ? floor.child.pid : pid, 10, 2);
    for (const c of o.connections) {
      for (const t of [floorTarget, ...targets]) {
        o.say(`wire: ${t.route}, ${c} connections, ${o.duration} s`);
        runs.push(await run(t, t === floorTarget ? floor.child.pid : pid, c, o.duration));
      }
    }
  } finally {
    await kill(floor.child);
    if (pinned) pin(pid, `0-${cores - 1}`);
  }
  return { pinned, runs };
}
