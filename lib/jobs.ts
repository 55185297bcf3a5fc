// Background jobs: request expiry, the demotion sweep, outcome retention, the coming months' outcome partitions
// and webhook delivery (rollups need no job: they
// are kept current inside the ingest transaction). They run on exactly one instance at a time.
//
// Leader election on PostgreSQL: every instance keeps one dedicated connection and, every
// JOBS_LEADER_RETRY_MS (1 s), tries `pg_try_advisory_lock(JOBS_LOCK_KEY)` on it. The instance that gets
// the lock leads for as long as that connection lives: it steps down the moment the connection reports
// an error or ends, proves before every run that its session still holds the lock, and tries again at
// once after stepping down. If the leader dies, PostgreSQL ends its session and releases the lock, and
// another instance takes over at its next try. A graceful stop unlocks at once.
// On the embedded default (PGlite, one process per data folder) the process is always the leader.
import pg from "pg";
import type { Database } from "@/lib/db/client";
import { expireRequests } from "@/lib/requests/mutations";
import { expireContractRequests } from "@/lib/contracts/mutations";
import { sweepDemotions } from "@/lib/action-types/mutations";
import { refreshStaleSummaries } from "@/lib/state/mutations";
import { deliverDue } from "@/lib/notifications/deliver";
import { deliverAuditStreams } from "@/lib/notifications/audit-stream";
import { log, logError } from "@/lib/log";
import { writeCheckpointIfDue } from "@/lib/audit/checkpoint-job";
import { archiveOutcomes } from "@/lib/retention/mutations";
import { ensureOutcomePartitions } from "@/lib/outcome-partitions/mutations";

/** Advisory lock key of the jobs leader ("cwr" + 1): distinct from Prisma Migrate's key. */
export const JOBS_LOCK_KEY = 0x63777201;

const INTERVAL_MS = Number(process.env.JOBS_INTERVAL_MS ?? 30_000);
/** Webhooks go out within seconds of the change (the outbox is polled; retries wait longer). */
const DELIVERY_INTERVAL_MS = Number(process.env.WEBHOOK_INTERVAL_MS ?? 2_000);
/** How often a follower tries for the lock: a lost leadership comes back within about this long. */
const RETRY_MS = Number(process.env.JOBS_LEADER_RETRY_MS ?? 1_000);
const CHECK_TIMEOUT_MS = 5_000;
/** Whether this session holds the (bigint) advisory lock: classid is its high half, objid its low half. */
const HOLDS_LOCK_SQL = `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
  AND granted AND classid = 0 AND objid = $1 AND objsubid = 1) AS held`;

export interface JobsState {
  enabled: boolean;
  leader: boolean;
  leaderSince: Date | null;
  lastRunAt: Date | null;
}

export interface JobsRunner {
  /** this runner's leadership and last run (the process's runner shares `jobsState`) */
  readonly state: JobsState;
  stop(): Promise<void>;
}

const g = globalThis as unknown as { __cwrJobsState?: JobsState; __cwrJobsRunner?: JobsRunner };
/** Shared by every bundle of the process (instrumentation, route handlers, metrics). */
export const jobsState: JobsState = (g.__cwrJobsState ??= newJobsState());

export function newJobsState(): JobsState {
  return { enabled: false, leader: false, leaderSince: null, lastRunAt: null };
}

export async function runJobsOnce(database: Database, now = new Date()) {
  const expired = (await expireRequests(database.prisma, now)) + (await expireContractRequests(database.prisma, now));
  const demoted = await sweepDemotions(database.prisma, now);
  // The overview's stored health of the rows whose window slid since it was written (lib/state/health-summary.ts).
  const summarised = await refreshStaleSummaries(database.prisma, now);
  // The retention setting (none: nothing to do): months before the kept ones are archived and removed.
  const archived = (await archiveOutcomes(database.prisma, { now })).rows;
  // The coming months' partitions of outcome_events, before their first outcome arrives.
  const partitions = await ensureOutcomePartitions(database.prisma, now);
  if (expired || demoted.length || summarised || archived || partitions.length)
    log("info", "jobs", { expired, demoted: demoted.length, summarised, archived, partitions });
  return { expired, demoted, summarised, archived, partitions };
}

function setLeader(state: JobsState, leader: boolean, reason: string) {
  if (state.leader === leader) return;
  state.leader = leader;
  state.leaderSince = leader ? new Date() : null;
  log(leader ? "info" : "warn", leader ? "jobs leadership acquired" : "jobs leadership lost", {
    reason,
    pid: process.pid,
    port: process.env.PORT ?? null,
  });
}

/** Starts the jobs of this process once (JOBS=off: none). */
export function startJobs(database: Database): void {
  if (g.__cwrJobsRunner || process.env.JOBS === "off") return;
  g.__cwrJobsRunner = startJobsRunner(database, jobsState);
}

/**
 * A jobs runner with its own state. A process runs one (startJobs); several on one database stand
 * for several instances (the leadership tests), of which exactly one may lead.
 */
export function startJobsRunner(database: Database, state: JobsState = newJobsState()): JobsRunner {
  state.enabled = true;
  return database.target.kind === "postgres"
    ? leaderElected(database, database.target.url, state)
    : alwaysLeader(database, state);
}

/** Stops the timers, waits for a run in progress and gives leadership up (graceful shutdown). */
export async function stopJobs(): Promise<void> {
  const runner = g.__cwrJobsRunner;
  if (!runner) return;
  g.__cwrJobsRunner = undefined;
  await runner.stop();
}

/** The periodic runs, only while `isLeader()` holds; returns a stop that awaits the runs in progress. */
function schedule(database: Database, state: JobsState, isLeader: () => Promise<boolean>) {
  const stops = [
    every(
      INTERVAL_MS,
      isLeader,
      async () => {
        await runJobsOnce(database);
        // Signed audit checkpoints (every N entries or M seconds): a failure is logged, never stops the jobs.
        await writeCheckpointIfDue(database.prisma).catch((e) => logError("audit checkpoint failed", e));
        state.lastRunAt = new Date();
      },
      "jobs failed",
    ),
    every(
      DELIVERY_INTERVAL_MS,
      isLeader,
      async () => {
        const run = await deliverDue(database.prisma);
        if (run.delivered || run.retrying || run.dead) log("info", "webhooks", { ...run });
        const streamed = await deliverAuditStreams(database.prisma);
        if (streamed.batches || streamed.failed) log("info", "audit stream", { ...streamed });
      },
      "webhook delivery failed",
    ),
  ];
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}

function every(intervalMs: number, isLeader: () => Promise<boolean>, task: () => Promise<void>, failure: string) {
  let current: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (current) return;
    current = (async () => {
      if (!(await isLeader())) return;
      await task();
    })()
      .catch((e) => logError(failure, e))
      .finally(() => (current = null));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await current;
  };
}

function alwaysLeader(database: Database, state: JobsState): JobsRunner {
  setLeader(state, true, "embedded database");
  const stop = schedule(database, state, async () => true);
  return {
    state,
    async stop() {
      await stop();
      setLeader(state, false, "shutdown");
      state.enabled = false;
    },
  };
}

function leaderElected(database: Database, url: string, state: JobsState): JobsRunner {
  /** the connection that holds the lock, or tries for it (null: none yet, or it failed) */
  let client: pg.Client | null = null;
  let stopped = false;
  let trying: Promise<void> | null = null;

  const tick = () => {
    if (!stopped) trying ??= attempt().finally(() => (trying = null));
  };

  // Steps down and ends `c`, but only while `c` is still this instance's lock connection: a late
  // failure of an older connection must not end the one that has won the lock back since.
  const drop = (c: pg.Client, reason: string) => {
    if (client !== c) return;
    client = null;
    setLeader(state, false, reason);
    c.removeAllListeners("end");
    c.end().catch(() => {});
    // Try again at once rather than a whole retry interval later (the lock may already be free).
    setImmediate(tick);
  };

  const connect = async (): Promise<pg.Client | null> => {
    const c = new pg.Client({
      connectionString: url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: CHECK_TIMEOUT_MS,
      query_timeout: CHECK_TIMEOUT_MS,
      application_name: "cwr-jobs-leader",
    });
    // pg emits `error` once the connection is unusable (the server ended the session, the socket
    // broke); an `end` may follow. Either one steps down at once, whichever comes first.
    c.on("error", (e) => {
      logError("jobs leader connection error", e);
      drop(c, "leader connection failed");
    });
    c.on("end", () => drop(c, "leader connection closed"));
    try {
      await c.connect();
      return c;
    } catch (e) {
      c.removeAllListeners("end");
      await c.end().catch(() => {});
      log("warn", "jobs: cannot reach the database for leader election", { error: (e as Error).message });
      return null;
    }
  };

  const attempt = async () => {
    if (stopped || state.leader) return;
    let c = client;
    if (!c) {
      c = await connect();
      if (!c) return;
      if (stopped) {
        c.removeAllListeners("end");
        await c.end().catch(() => {});
        return;
      }
      client = c;
    }
    try {
      const { rows } = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [JOBS_LOCK_KEY]);
      if (rows[0]?.ok && client === c && !stopped) setLeader(state, true, "advisory lock taken");
    } catch (e) {
      logError("jobs: leader election failed", e);
      drop(c, "leader election query failed");
    }
  };

  const retry = setInterval(tick, RETRY_MS);
  retry.unref();
  tick();

  // Before each run the leader proves, on the connection itself, that its session still holds the lock.
  const stopSchedule = schedule(database, state, async () => {
    const c = client;
    if (!state.leader || !c) return false;
    try {
      const { rows } = await c.query<{ held: boolean }>(HOLDS_LOCK_SQL, [JOBS_LOCK_KEY]);
      if (rows[0]?.held) return state.leader && client === c;
      drop(c, "advisory lock no longer held");
      return false;
    } catch (e) {
      logError("jobs: leader connection check failed", e);
      drop(c, "leader connection check failed");
      return false;
    }
  });

  return {
    state,
    async stop() {
      stopped = true;
      clearInterval(retry);
      await trying;
      await stopSchedule();
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners("end");
        if (state.leader) await c.query("SELECT pg_advisory_unlock($1)", [JOBS_LOCK_KEY]).catch(() => {});
        await c.end().catch(() => {});
      }
      setLeader(state, false, "shutdown");
      state.enabled = false;
    },
  };
}
