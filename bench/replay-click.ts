// `npx tsx bench/replay-click.ts [--seconds 20] [--admins 4] [--outcomes 100000] [--no-build]`
// Agents' decisions while admins replay (issue 21 item 7, SPEC §6 "nothing a person starts slows the
// agents"): ticket.reply gets `--outcomes` more recorded outcomes (batches of 1,000 through the API),
// then four admins ask for what-if replays in a loop (each a policy not asked before, so the cache never
// answers) while one agent asks POST /api/v1/decisions. Prints decisions p50/p99 at rest and while
// they replay, and how the replays were answered (200, or 429 while the one worker is busy).
// Target: p99 < 50 ms while they replay. Standalone, like signin-flood.ts (uses the build in NEXT_DIST_DIR).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DIST_DIR, startBenchServer } from "./lib/server";
import { percentile, round } from "./lib/stats";
import { createKey, signInCookie } from "../tests/helpers/server";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    admins: { type: "string", default: "4" },
    outcomes: { type: "string", default: "100000" },
    "no-build": { type: "boolean", default: false },
  },
});
const SECONDS = Number(args.seconds);
const ADMINS = Number(args.admins);
const OUTCOMES = Number(args.outcomes);

async function decisionsFor(baseUrl: string, key: string, ms: number): Promise<number[]> {
  const samples: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const t = performance.now();
    const res = await fetch(`${baseUrl}/api/v1/decisions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "refund.issue", audience: "external" }),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`decision answered ${res.status}`);
    samples.push(performance.now() - t);
  }
  return samples;
}

/** More history for ticket.reply: WALK outcomes over the last 60 days, 1,000 per batch. */
async function addHistory(baseUrl: string, key: string, tier: string) {
  const kinds: Record<string, [string, string]> = {
    CRAWL: ["suggestion.accepted", "suggestion.rejected"],
    WALK: ["action.completed", "action.escalated"],
    RUN: ["outcome.positive", "outcome.negative"],
  };
  const start = Date.now() - 60 * 86_400_000;
  for (let b = 0; b * 1000 < OUTCOMES; b++) {
    const events = Array.from({ length: Math.min(1000, OUTCOMES - b * 1000) }, (_, i) => {
      const n = b * 1000 + i;
      return {
        idempotencyKey: `bench-replay-${n}`,
        action: "ticket.reply",
        kind: kinds[tier]![n % 20 === 0 ? 1 : 0],
        tier,
        occurredAt: new Date(start + (n / OUTCOMES) * 59 * 86_400_000).toISOString(),
        agentVersion: "2026.10",
      };
    });
    const res = await fetch(`${baseUrl}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    if (!res.ok) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  }
}

async function replayLoop(
  baseUrl: string,
  cookie: string,
  body: { actionTypeId: string; rules: Record<string, unknown> },
  admin: number,
  ms: number,
  answers: Map<string, number>,
) {
  const end = Date.now() + ms;
  let i = 0;
  while (Date.now() < end) {
    // A policy not asked before (alpha differs), so the cache never answers.
    const alpha = 0.04 - (admin * 1000 + i++) * 1e-7;
    const res = await fetch(`${baseUrl}/api/dashboard/replay`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ ...body, rules: { ...body.rules, alpha } }),
    });
    await res.arrayBuffer();
    answers.set(String(res.status), (answers.get(String(res.status)) ?? 0) + 1);
    if (res.status === 429) await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after") ?? 1)));
  }
}

if (!args["no-build"])
  execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_DIST_DIR: DIST_DIR },
  });
const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-replay-click-"));
const server = await startBenchServer({ PGLITE_DIR: path.join(dir, "pglite") }, path.join(dir, "server.log"));
try {
  const base = server.baseUrl;
  const key = await createKey(base, "support-bot", "replay-click");
  const cookies = await Promise.all(Array.from({ length: ADMINS }, () => signInCookie(base, "admin@demo.local")));
  const rows = (
    (await (await fetch(`${base}/api/dashboard/overview`, { headers: { cookie: cookies[0]! } })).json()) as {
      rows: Array<{ id: string; key: string; tier: string }>;
    }
  ).rows;
  const target = rows.find((r) => r.key === "ticket.reply")!;
  await addHistory(base, key, target.tier);
  const detail = (await (
    await fetch(`${base}/api/dashboard/action-types/${target.id}`, { headers: { cookie: cookies[0]! } })
  ).json()) as { live: { policy: { rules: Record<string, unknown> } } };
  const body = { actionTypeId: target.id, rules: detail.live.policy.rules };

  await decisionsFor(base, key, 2000); // warm up
  const rest = await decisionsFor(base, key, 5000);
  const answers = new Map<string, number>();
  const [replaying] = await Promise.all([
    decisionsFor(base, key, SECONDS * 1000),
    ...cookies.map((cookie, a) => replayLoop(base, cookie, body, a, SECONDS * 1000, answers)),
  ]);
  const row = (name: string, s: number[]) =>
    `${name.padEnd(28)} n=${String(s.length).padStart(6)}  p50 ${round(percentile(s, 50), 1)} ms  p99 ${round(percentile(s, 99), 1)} ms`;
  console.log(
    `\nDecisions while ${ADMINS} admins replay ticket.reply (+${OUTCOMES.toLocaleString("en-US")} outcomes) for ${SECONDS} s`,
  );
  console.log(row("at rest", rest));
  console.log(row(`while ${ADMINS} admins replay`, replaying));
  console.log(`replay answers: ${[...answers].map(([k, v]) => `${k} ×${v}`).join(", ")}`);
  const p99 = percentile(replaying, 99);
  console.log(p99 < 50 ? `✓ p99 ${round(p99, 1)} ms < 50 ms` : `✗ p99 ${round(p99, 1)} ms ≥ 50 ms`);
  process.exitCode = p99 < 50 ? 0 : 1;
} catch (e) {
  console.error(e, `\nserver log:\n${server.logTail()}`);
  process.exitCode = 1;
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
