// Profiles the server under one wire target: `npx tsx bench/profile-wire.ts <tag> [decisions|tiers|ofrep]`
// (node --cpu-prof on a PGlite server pinned to core 0, autocannon on core 1, 10 connections, 12 s;
// the build in NEXT_DIST_DIR). Prints self time by file and by function over the load run.
import path from "node:path";
import { readdirSync } from "node:fs";
import { startBenchServer } from "./lib/server";
import { autocannon, pin } from "./lib/autocannon";
import { createKey } from "../tests/helpers/server";
import { summariseProfile } from "./lib/cpu-profile";
const tag = process.argv[2] ?? "base";
const route = process.argv[3] ?? "decisions";
const dir = `/tmp/hotpath-prof/${tag}-${route}`;
const s = await startBenchServer(
  { PGLITE_DIR: `/tmp/hotpath-prof/pglite-${tag}-${route}-${Date.now()}` },
  `/tmp/hotpath-prof/${tag}.log`,
  ["--cpu-prof", `--cpu-prof-dir=${dir}`],
);
const key = await createKey(s.baseUrl, "support-bot", "prof");
pin(s.process.pid, "0");
const auth = { authorization: `Bearer ${key}` };
const json = { ...auth, "content-type": "application/json" };
const etag = (await fetch(`${s.baseUrl}/api/v1/tiers`, { headers: auth })).headers.get("etag")!;
const t =
  route === "decisions"
    ? {
        url: `${s.baseUrl}/api/v1/decisions`,
        method: "POST",
        body: JSON.stringify({ action: "ticket.tag", audience: "external" }),
        headers: json,
      }
    : route === "tiers"
      ? { url: `${s.baseUrl}/api/v1/tiers`, method: "GET", headers: { ...auth, "if-none-match": etag } }
      : {
          url: `${s.baseUrl}/ofrep/v1/evaluate/flags`,
          method: "POST",
          body: JSON.stringify({ context: { targetingKey: "bench-user" } }),
          headers: json,
        };
await autocannon(t.url, { connections: 10, duration: 3, ...t, core: "1" });
const r = await autocannon(t.url, { connections: 10, duration: 12, ...t, core: "1" });
console.log("rps", r.requests.average, "total", r.requests.total, "non2xx", r.non2xx);
await s.stop();
const f = readdirSync(dir)
  .filter((x) => x.endsWith(".cpuprofile"))
  .map((x) => path.join(dir, x))[0]!;
const sum = summariseProfile(f, 12_500, 40);
console.log(
  "sampled ms",
  sum.totalMs,
  "per request µs",
  Math.round(((sum.totalMs * 1000) / r.requests.total) * 10) / 10,
);
for (const row of sum.byFile) console.log(`${row.share}%\t${row.selfMs}ms\t${row.name}`);
console.log("----");
for (const row of sum.byFunction) console.log(`${row.share}%\t${row.selfMs}ms\t${row.name}`);
