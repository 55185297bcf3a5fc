// Jobs leader election: on PostgreSQL only the holder of the advisory lock leads, it steps down the
// moment its lock connection is lost and leads again once it wins the lock back; a stop releases the
// lock. On the embedded database the process always leads.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { testDatabase } from "@/tests/helpers/db";
import type { Database } from "@/lib/db/client";

vi.stubEnv("JOBS_LEADER_RETRY_MS", "100");
vi.stubEnv("JOBS_INTERVAL_MS", "100");
const { startJobs, stopJobs, jobsState, JOBS_LOCK_KEY } = await import("./jobs");

// A bound that only detects a condition never reached, generous because CI runners are loaded: with the
// full suite running, a retry could take seconds (issue 27). Leadership's speed is not asserted here.
async function until(check: () => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(async () => {
  await stopJobs();
  await database?.close();
});

describe("jobs leadership", () => {
  it.skipIf(process.env.TEST_BACKEND === "postgres")("the embedded database's process always leads", async () => {
    startJobs(database);
    expect(jobsState.leader).toBe(true);
    // Not a timing target: a first run compiles Prisma's queries, slow on a loaded CPU (see below).
    await until(() => jobsState.lastRunAt !== null, 30_000);
    await stopJobs();
    expect(jobsState.leader).toBe(false);
  });

  it.skipIf(process.env.TEST_BACKEND !== "postgres")(
    "on PostgreSQL only the advisory lock's holder leads, and leadership survives a lost connection",
    async () => {
      const url = (database.target as { url: string }).url;
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        // Another instance holds the lock: this one follows.
        await other.query("SELECT pg_advisory_lock($1)", [JOBS_LOCK_KEY]);
        startJobs(database);
        await new Promise((r) => setTimeout(r, 400));
        expect(jobsState.leader).toBe(false);

        // It lets go: this one takes over at its next try, and runs the jobs.
        await other.query("SELECT pg_advisory_unlock($1)", [JOBS_LOCK_KEY]);
        await until(() => jobsState.leader);
        // Not a timing target: the first run compiles Prisma's queries, which under the full suite's load
        // took more than 5 s once in 20 runs. Leadership itself keeps its bounds below.
        await until(() => jobsState.lastRunAt !== null, 30_000);

        // Its lock connection is killed: it steps down at once, then wins the lock back. Both can happen
        // between two looks (CI saw it lead again 10 ms after stepping down, so a wait for "not leader"
        // never saw it): a new leaderSince is the proof of both, set only when a follower becomes leader.
        const ledSince = jobsState.leaderSince;
        const { rows } = await other.query(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'cwr-jobs-leader' AND datname = current_database()`,
        );
        expect(rows).toHaveLength(1);
        await until(() => jobsState.leader && jobsState.leaderSince !== ledSince);

        // A stop releases the lock for the others at once.
        await stopJobs();
        expect(jobsState.leader).toBe(false);
        const got = await other.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [JOBS_LOCK_KEY]);
        expect(got.rows[0]!.ok).toBe(true);
      } finally {
        await other.end();
      }
    },
  );
});
