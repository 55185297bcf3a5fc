// Bench row: the what-if replay of 1,000,000 recorded outcomes on PostgreSQL (issue 26: under 1 s), and
// the same on the embedded default (PGlite, said beside it; no target of its own). Two figures per
// backend: the policy editor's replay as people run it (replaySummary: the proposed and the current
// policy in one pass, pages read on this thread and folded in the replay worker — the row judged), and
// replayActionType (one policy, read and folded on this thread, as the tests run it).
// A private PostgreSQL (bench/lib/pg.ts), one action type with N outcomes over 60 days inserted in
// SQL, received in batches of 1,000 (the API's largest), then replayActionType (keyset pages through
// the live path's core, one decision per recorded batch, in this thread) timed a few times; prints the
// median. Pages people open fold in the replay worker instead (lib/replay/pool.ts), off the event loop.
// Pages are lib/replay/page.ts's compact encoding. Prints each backend's row with the target beside it
// and writes them to bench/results/replay-<time>.json.
// Usage: npx tsx bench/replay.ts [outcomes=1000000] [runs=3] [backends=postgres,pglite]
import { performance } from "node:perf_hooks";
import { openDatabase, type Database } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createAgent, createActionType } from "@/lib/agents/mutations";
import { replayActionType } from "@/lib/replay/data";
import { replaySummary } from "@/lib/replay/compare";
import { currentPolicy } from "@/lib/policies/data";
import { DAY_MS } from "@cwr/gating/types";
import { ensureOutcomePartitions } from "@/lib/outcome-partitions/mutations";
import { startPostgres } from "./lib/pg";
import { writeResults } from "./lib/results";

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 3);
const BACKENDS = (process.argv[4] ?? "postgres,pglite").split(",");
/** issue 26 item 1: the median replay of 1,000,000 outcomes on PostgreSQL */
const TARGET_MS = 1000;

interface Row {
  backend: string;
  outcomes: number;
  /** the editor's replay (replaySummary: two policies, folded in the worker): the judged figure */
  runsMs: number[];
  medianMs: number;
  /** replayActionType: one policy, read and folded on this thread */
  inThreadRunsMs: number[];
  inThreadMedianMs: number;
  outcomesPerSecond: number;
  pages: number;
  targetMs: number | null;
  met: boolean | null;
}

async function bench(database: Database, backend: string, version: string): Promise<Row> {
  const db = database.prisma;
  const start = new Date(Date.now() - 60 * DAY_MS);
  const agent = await createAgent(
    db,
    SYSTEM_ACTOR,
    { slug: "bench-replay", name: "bench", owner: "bench", description: "" },
    start,
  );
  const at = await createActionType(
    db,
    SYSTEM_ACTOR,
    {
      agentId: agent.id,
      key: "bench.replay",
      name: "bench",
      description: "",
      blastRadius: "medium",
      reversible: true,
    },
    start,
  );
  // The 60 days' months have their partitions of outcome_events, as a product that ran through them has.
  await ensureOutcomePartitions(db, new Date(), start);
  const t0 = performance.now();
  // 95 % accepted, 5 % rejected, in CRAWL, evenly over 60 days (one new version halfway).
  await db.$executeRawUnsafe(
    `INSERT INTO outcome_events ("agentId", "actionTypeId", kind, tier, "occurredAt", "receivedAt", "idempotencyKey", "agentVersion")
       SELECT $1::uuid, $2::uuid, (CASE WHEN g % 20 = 0 THEN 'suggestion.rejected' ELSE 'suggestion.accepted' END)::"EventKind", 'CRAWL'::"Tier",
              $3::timestamptz + (g::float8 / $4 * interval '60 days'),
              $3::timestamptz + (((g / 1000) * 1000 + 999)::float8 / $4 * interval '60 days'),
              'e-' || g, CASE WHEN g < $4 / 2 THEN 'v1' ELSE 'v2' END
       FROM generate_series(1, $4::int) g`,
    agent.id,
    at.id,
    start.toISOString(),
    N,
  );
  await db.$executeRawUnsafe(`ANALYZE outcome_events`);
  console.log(
    `inserted ${N.toLocaleString("en-US")} outcomes in ${((performance.now() - t0) / 1000).toFixed(1)} s (${backend} ${version})`,
  );
  const times: number[] = [];
  let pages = 0;
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    const run = await replayActionType(db, at.id, { promote: "when_eligible" });
    const ms = performance.now() - s;
    times.push(ms);
    pages = run.pages;
    const heap = process.memoryUsage().heapUsed / 1e6;
    console.log(
      `run ${i + 1}: ${run.outcomes.toLocaleString("en-US")} outcomes in ${ms.toFixed(0)} ms, ${run.pages} pages, ${run.changes.length} changes, tier ${run.tier}, heap ${heap.toFixed(0)} MB`,
    );
  }
  // As the policy editor runs it: pages read here, both policies folded in the worker. Its cache is
  // emptied before each run (the same replay again is answered from it without reading anything).
  const worker: number[] = [];
  const previousUrl = process.env.DATABASE_URL;
  if (backend === "postgres") process.env.DATABASE_URL = "postgres://bench"; // the worker's page size follows the backend
  try {
    const rules = (await currentPolicy(db, at.id)).rules;
    for (let i = 0; i < RUNS; i++) {
      (globalThis as unknown as { __cwrReplayCache?: Map<string, unknown> }).__cwrReplayCache?.clear();
      const s = performance.now();
      const summary = await replaySummary(db, at.id, { ...rules, alpha: rules.alpha / 2 });
      const ms = performance.now() - s;
      worker.push(ms);
      console.log(
        `editor replay ${i + 1}: ${summary.outcomes.toLocaleString("en-US")} outcomes, two policies, in ${ms.toFixed(0)} ms (worker)`,
      );
    }
  } finally {
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const median = med(worker);
  const inThread = med(times);
  // The target is for a million outcomes on PostgreSQL; other sizes and the embedded default are said, not judged.
  const judged = backend === "postgres" && N === 1_000_000;
  const verdict = !judged
    ? "no target (PostgreSQL's: < 1000 ms)"
    : median < TARGET_MS
      ? `target < ${TARGET_MS} ms: met`
      : `target < ${TARGET_MS} ms: MISSED by ${(median - TARGET_MS).toFixed(0)} ms`;
  console.log(
    `replay (${backend}): ${N.toLocaleString("en-US")} outcomes, the editor's replay (two policies, worker) median ${median.toFixed(0)} ms (${((N / median) * 1000).toLocaleString("en-US", { maximumFractionDigits: 0 })} outcomes/s) — ${verdict}; one policy on this thread: median ${inThread.toFixed(0)} ms`,
  );
  return {
    backend,
    outcomes: N,
    runsMs: worker.map((t) => Math.round(t)),
    medianMs: Math.round(median),
    inThreadRunsMs: times.map((t) => Math.round(t)),
    inThreadMedianMs: Math.round(inThread),
    outcomesPerSecond: Math.round((N / median) * 1000),
    pages,
    targetMs: judged ? TARGET_MS : null,
    met: judged ? median < TARGET_MS : null,
  };
}

async function main() {
  const rows: Row[] = [];
  if (BACKENDS.includes("postgres")) {
    const pg = await startPostgres();
    if (!pg) console.log("replay bench: no PostgreSQL binaries (apt-get install -y postgresql); PostgreSQL skipped");
    else {
      const database = await openDatabase({ target: { kind: "postgres", url: pg.url } });
      try {
        rows.push(await bench(database, "postgres", `PostgreSQL ${pg.version}`));
      } finally {
        await database.close();
        pg.stop();
      }
    }
  }
  if (BACKENDS.includes("pglite")) {
    const database = await openDatabase({ memory: true, target: { kind: "pglite", dir: "" } });
    try {
      rows.push(await bench(database, "pglite", "in memory"));
    } finally {
      await database.close();
    }
  }
  const file = writeResults("replay", rows);
  console.log(`wrote ${file}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
