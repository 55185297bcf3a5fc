// The guard's overhead beside mode() (issue 23, target < 5 µs per call, from memory): `client.guard`
// on a RUN action with a synchronous act (decide, run, queue the action.completed report) against
// `client.mode()` on the same action. No network: the client's fetch answers GET /api/v1/tiers once
// from a recorded answer, and the reporter's batches are acknowledged in memory on the next turn of the
// event loop (as a fast ingest would: batches of up to 1,000 between timed blocks), so what is timed
// is the SDK's own work in the agent's path: decide, act, queue the report, plus the batching's share.
// Every guarded call's report must have been acknowledged at the end.
//   npx tsx bench/guard.ts [--n=500000]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CwrClient } from "@cwr/sdk/client";
import { MODE_OF, type TierView } from "@cwr/sdk/types";
import { load, mean, percentile, round } from "./lib/stats";

const N = Number(process.argv.find((a) => a.startsWith("--n="))?.slice(4) ?? 500_000);
const BLOCK = 1000;
const ACTION = "ticket.tag";

/** GET /api/v1/tiers as the server answered it for the demo's support-bot (recorded, then trimmed). */
const RECORDED_TIERS = {
  agent: "support-bot",
  generatedAt: "2026-12-06T22:40:00.000Z",
  tiers: [
    ["ticket.tag", "Tag a ticket", "RUN"],
    ["ticket.reply", "Reply to a ticket", "WALK"],
    ["ticket.escalate", "Escalate a ticket", "WALK"],
    ["refund.issue", "Issue a refund", "CRAWL"],
    ["account.close", "Close an account", "CRAWL"],
  ].map(([action, name, tier]): TierView => ({
    action: action!,
    name: name!,
    tier: tier as TierView["tier"],
    mode: MODE_OF[tier as TierView["tier"]],
    frozen: false,
    tierSince: "2026-11-01T00:00:00.000Z",
    policyVersion: 1,
  })),
};

/** The ingest's answer to a batch of n events (every event accepted). */
function eventsAnswer(body: string): Response {
  const n = body.split('"idempotencyKey"').length - 1;
  const results = Array.from({ length: n }, (_, index) => ({ index, idempotencyKey: null, status: "accepted" }));
  return new Response(JSON.stringify({ accepted: n, duplicates: 0, rejected: 0, results }), {
    headers: { "content-type": "application/json" },
  });
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

function makeClient() {
  let tiersAsked = 0;
  const client = new CwrClient({
    baseUrl: "http://bench.invalid",
    apiKey: "cwr_bench",
    stream: false,
    pollMs: 3_600_000,
    maxAgeMs: 3_600_000,
    reporter: { flushIntervalMs: 3_600_000, maxBatch: 1000 },
    fetch: async (input, init) => {
      const url = String(input);
      if (url.endsWith("/api/v1/tiers")) {
        if (tiersAsked++ > 0) throw new Error("the tiers were asked twice");
        return new Response(JSON.stringify(RECORDED_TIERS), { headers: { "content-type": "application/json" } });
      }
      if (url.endsWith("/api/v1/events") && init?.method === "POST") {
        await nextTurn(); // answered outside the timed blocks
        return eventsAnswer(String(init.body));
      }
      throw new Error(`unexpected request ${url}`);
    },
  });
  return client;
}

/** ns per call of each block of BLOCK calls: p50 over blocks, mean over all. */
function summary(blocks: number[]) {
  return { p50: round(percentile(blocks, 50)), p99: round(percentile(blocks, 99)), mean: round(mean(blocks)) };
}

async function main() {
  const WARMUP = 200_000;
  const client = makeClient();
  if (!(await client.ready(5000))) throw new Error("the bench client did not load its tiers");
  if (client.mode(ACTION) !== "act_external") throw new Error(`${ACTION} is not RUN in the recorded answer`);
  const request = {
    action: ACTION,
    audience: "external" as const,
    subject: "customer:42",
    summary: "Tag ticket 42",
    parameters: { ticket: 42, tags: ["billing"] },
  };
  let sink = 0;
  const act = (p: Record<string, unknown>) => (p.ticket as number) + 1;

  const timeMode = async (calls: number, keep: number[] | null) => {
    for (let b = 0; b < calls / BLOCK; b++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < BLOCK; i++) sink += client.mode(ACTION, request.subject).length;
      if (keep) keep.push(Number(process.hrtime.bigint() - t0) / BLOCK);
      await nextTurn();
    }
  };
  const timeGuard = async (calls: number, keep: number[] | null) => {
    for (let b = 0; b < calls / BLOCK; b++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < BLOCK; i++) {
        const r = await client.guard(request, act);
        if (r.status === "acted") sink += r.result;
        else throw new Error(`the guard did not act: ${r.status}`);
      }
      if (keep) keep.push(Number(process.hrtime.bigint() - t0) / BLOCK);
      await nextTurn(); // the reporter's batch goes out here, as it would between an agent's actions
    }
  };

  // Warm-up: let the JIT settle on both paths.
  await timeMode(WARMUP, null);
  await timeGuard(WARMUP, null);
  const modeBlocks: number[] = [];
  const guardBlocks: number[] = [];
  // Interleaved in slices, so a noisy neighbour on the shared machine hits both alike.
  const slices = 10;
  for (let s = 0; s < slices; s++) {
    await timeMode(N / slices, modeBlocks);
    await timeGuard(N / slices, guardBlocks);
  }
  while (client.reporter.stats().pending > 0) await client.reporter.flush();
  const stats = client.reporter.stats();
  if (stats.accepted !== WARMUP + N) throw new Error(`expected ${WARMUP + N} reports, got ${JSON.stringify(stats)}`);
  await client.close();
  if (sink === -1) console.log(sink); // keeps the loops observable

  const mode = summary(modeBlocks);
  const guard = summary(guardBlocks);
  const diff = { p50: round(guard.p50 - mode.p50), mean: round(guard.mean - mode.mean) };
  const targetNs = 5000;
  const result = {
    bench: "guard",
    at: new Date().toISOString(),
    load: load(),
    calls: N,
    block: BLOCK,
    nsPerCall: { mode, guard, difference: diff },
    targetNs,
    met: diff.p50 < targetNs && diff.mean < targetNs,
    reporter: stats,
  };
  console.log(
    `guard overhead beside mode() (RUN, sync act, ${N} calls, load ${result.load}): ` +
      `guard p50 ${guard.p50} ns mean ${guard.mean} ns · mode() p50 ${mode.p50} ns mean ${mode.mean} ns · ` +
      `difference p50 ${diff.p50} ns mean ${diff.mean} ns (target < ${targetNs} ns)${result.met ? "" : " MISSED"}` +
      ` · reports accepted ${stats.accepted}, dropped ${stats.dropped}`,
  );
  const dir = path.join("bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `guard-${result.at.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written ${file}`);
  process.exit(0);
}

void main();
