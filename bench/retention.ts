// Bench row: retention of a month of outcomes (issue 26 item 3). Two past months of N outcomes each on
// one action type: one in its own partition of outcome_events, one in the default partition (a month
// that had none). With retention set to one month, archiveOutcomes writes each month to gzip NDJSON and
// removes it: the partitioned month by dropping its partition, the other in batches of DELETE. Prints,
// per month, the archive write, the removal and the whole, and an agent's ingest of 1,000 outcomes every
// 250 ms, timed while it runs (what the removal costs the agents). Writes bench/results/retention-<time>.json.
// No target in the issue; the drop's removal time against the batches' is the point.
// Usage: npx tsx bench/retention.ts [outcomes per month=1000000] [backends=postgres,pglite]
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabase, type Database } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createAgent, createActionType } from "@/lib/agents/mutations";
import { ingestEvents } from "@/lib/events/mutations";
import { ensureOutcomePartitions } from "@/lib/outcome-partitions/mutations";
import { archiveOutcomes, setRetention, type ArchivedMonth } from "@/lib/retention/mutations";
import { monthOf } from "@cwr/gating/retention";
import type { UserPrincipal } from "@/lib/auth/actor";
import { startPostgres } from "./lib/pg";
import { writeResults } from "./lib/results";

const N = Number(process.argv[2] ?? 1_000_000);
const BACKENDS = (process.argv[3] ?? "postgres,pglite").split(",");
const PACE_MS = 250;

/** A month as archiveOutcomes reports it, and where its rows were. */
type MonthRow = ArchivedMonth & { storedIn: string };

async function bench(database: Database, backend: string) {
  const db = database.prisma;
  const now = new Date();
  const current = monthOf(now.getTime());
  // Four and three months back: both before the cutoff of a one-month retention.
  const older = monthOf(
    Date.UTC(new Date(current.start).getUTCFullYear(), new Date(current.start).getUTCMonth() - 4, 1),
  );
  const newer = monthOf(older.end);
  // The newer month gets its partition; the older one's outcomes stay in the default partition.
  await ensureOutcomePartitions(db, now, new Date(newer.start));
  const agent = await createAgent(
    db,
    SYSTEM_ACTOR,
    { slug: "bench-retention", name: "bench", owner: "bench", description: "" },
    new Date(older.start),
  );
  const at = await createActionType(
    db,
    SYSTEM_ACTOR,
    { agentId: agent.id, key: "bench.retention", name: "bench", description: "", blastRadius: "low", reversible: true },
    new Date(older.start),
  );
  for (const m of [older, newer]) {
    const t0 = performance.now();
    const args = [agent.id, at.id, new Date(m.start).toISOString(), N, `${m.label}-`] as const;
    await db.$executeRawUnsafe(
      `INSERT INTO outcome_events ("agentId", "actionTypeId", kind, tier, "occurredAt", "receivedAt", "idempotencyKey", "agentVersion")
       SELECT $1::uuid, $2::uuid, 'suggestion.accepted'::"EventKind", 'CRAWL'::"Tier", t, t, $5 || g, 'v1'
       FROM generate_series(1, $4::int) g, LATERAL (SELECT $3::timestamptz + (g::float8 / $4 * interval '27 days') AS t) x`,
      ...args,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO outcome_event_keys ("agentId", "idempotencyKey", "receivedAt")
       SELECT "agentId", "idempotencyKey", "receivedAt" FROM outcome_events WHERE "idempotencyKey" LIKE $1 || '%'`,
      args[4],
    );
    console.log(
      `${backend}: ${N.toLocaleString("en-US")} outcomes of ${m.label} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  await db.$executeRawUnsafe(`ANALYZE outcome_events`);
  await db.$executeRawUnsafe(`ANALYZE outcome_event_keys`);
  const admin: UserPrincipal = { id: "bench", role: "admin", name: "bench", email: "bench@bench.local" };
  await setRetention(db, admin, { months: 1, reason: "Bench: keep one month, archive the rest." }, now);

  // An agent keeps reporting while the archive runs: 1,000 outcomes a batch, PACE_MS apart, each timed.
  const ingest: number[] = [];
  let running = true;
  const agentLoop = (async () => {
    for (let b = 0; running; b++) {
      const batch = Array.from({ length: 1000 }, (_, i) => ({
        idempotencyKey: `live-${b}-${i}`,
        action: "bench.retention",
        kind: "suggestion.accepted",
        tier: "CRAWL",
        occurredAt: new Date(now.getTime() - 60_000).toISOString(),
        agentVersion: "v1",
      }));
      const s = performance.now();
      await ingestEvents(db, { id: agent.id, slug: agent.slug }, batch, now);
      const ms = performance.now() - s;
      ingest.push(ms);
      // Paced like a busy agent (4 batches a second), not flat out: the embedded default's one connection
      // would otherwise be the agent's alone.
      await new Promise((r) => setTimeout(r, Math.max(0, PACE_MS - ms)));
    }
  })();
  const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-bench-archive-"));
  const months: MonthRow[] = [];
  try {
    const s = performance.now();
    const result = await archiveOutcomes(db, { dir, now });
    const totalMs = performance.now() - s;
    for (const d of result.months)
      months.push({ ...d, storedIn: d.month === newer.label ? "its partition" : "the default partition" });
    console.log(
      `${backend}: archived ${result.rows.toLocaleString("en-US")} outcomes in ${(totalMs / 1000).toFixed(1)} s: ` +
        months
          .map(
            (m) =>
              `${m.month} (${m.storedIn}): ${m.rows.toLocaleString("en-US")} rows written in ${(m.writeMs / 1000).toFixed(1)} s, ${m.removedBy} in ${(m.removeMs / 1000).toFixed(2)} s`,
          )
          .join("; "),
    );
    const sorted = [...ingest].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    console.log(
      `${backend}: an agent's 1,000-outcome batches meanwhile: ${ingest.length}, p50 ${pct(0.5).toFixed(0)} ms, p99 ${pct(0.99).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`,
    );
    return {
      backend,
      outcomesPerMonth: N,
      months,
      totalMs: Math.round(totalMs),
      ingestBatches: ingest.length,
      ingestP50Ms: Math.round(pct(0.5)),
      ingestP99Ms: Math.round(pct(0.99)),
      ingestMaxMs: Math.round(sorted.at(-1) ?? 0),
    };
  } finally {
    running = false;
    await agentLoop;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const rows: unknown[] = [];
  const runs: Array<[string, () => Promise<Database>, () => void]> = [];
  if (BACKENDS.includes("postgres")) {
    const pg = await startPostgres();
    if (!pg) console.log("retention bench: no PostgreSQL binaries; PostgreSQL skipped");
    else runs.push(["postgres", () => openDatabase({ target: { kind: "postgres", url: pg.url } }), () => pg.stop()]);
  }
  if (BACKENDS.includes("pglite"))
    runs.push(["pglite", () => openDatabase({ memory: true, target: { kind: "pglite", dir: "" } }), () => {}]);
  for (const [backend, open, stop] of runs) {
    const database = await open();
    try {
      rows.push(await bench(database, backend));
    } finally {
      await database.close();
      stop();
    }
  }
  const file = writeResults("retention", rows);
  console.log(`wrote ${file}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
