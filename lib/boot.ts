import pg from "pg";
import { getDatabase } from "@/lib/db";
import type { Database } from "@/lib/db/client";
import { log } from "@/lib/log";
import { publicUrlProblem } from "@/lib/urls/public-url";

/** Advisory lock held while seeding a PostgreSQL server, so instances starting together seed once. */
const SEED_LOCK_KEY = 0x63777202;

/** SEED_ON_START=on|off; default on for the embedded database, off on a PostgreSQL server. */
export function seedOnStart(database: Database, env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = env.SEED_ON_START?.trim();
  if (flag === "on") return true;
  if (flag === "off") return false;
  return database.target.kind === "pglite";
}

async function seed(database: Database): Promise<void> {
  const { seedIfEmpty } = await import("@/lib/demo/seed");
  if (database.target.kind !== "postgres") {
    await seedIfEmpty(database.prisma);
    return;
  }
  const lock = new pg.Client({ connectionString: database.target.url, application_name: "cwr-seed" });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [SEED_LOCK_KEY]);
    await seedIfEmpty(database.prisma);
  } finally {
    await lock.end(); // ends the session, releasing the lock
  }
}

/** Configuration that must hold before anything opens: one clear line each (SPEC §6 safe defaults). */
export function checkConfiguration(env: NodeJS.ProcessEnv = process.env): void {
  const production = env.NODE_ENV === "production";
  if (production && env.DATABASE_URL?.trim() && !env.AUTH_SECRET?.trim())
    throw new Error(
      "AUTH_SECRET must be set when DATABASE_URL is set (production): sessions would not survive a restart or work across instances. Set it to 32+ random bytes (e.g. `openssl rand -base64 32`).",
    );
  const url = publicUrlProblem(env);
  if (url) throw new Error(url);
}

export async function boot(): Promise<void> {
  try {
    checkConfiguration();
    const { installPeerStamp } = await import("@/lib/http/client-address");
    installPeerStamp();
    const database = await getDatabase();
    // After the database: on the embedded default the key lives beside the data folder, whose own
    // problem (PGLITE_DIR not writable) is the one to name. Before "ready": the checkpoints need it.
    const { checkSigningKey } = await import("@/lib/audit/checkpoints");
    checkSigningKey();
    const { authSecret } = await import("@/lib/auth/secret");
    authSecret(); // made beside the data (embedded default) or read now, not at the first sign-in
    if (seedOnStart(database)) await seed(database);
    // Entries written before the audit log had its Merkle tree (issue 24) become its leaves now, once.
    const { catchUpAuditTree } = await import("@/lib/audit/mutations");
    const added = await catchUpAuditTree(database.prisma);
    if (added) log("info", "audit tree caught up", { entries: added });
    // Rows from before the stored health summary (issue 26), or written outside the interpreter, get theirs now.
    const { refreshStaleSummaries } = await import("@/lib/state/mutations");
    const summarised = await refreshStaleSummaries(database.prisma);
    if (summarised) log("info", "health summaries computed", { actionTypes: summarised });
    const { startJobs } = await import("@/lib/jobs");
    startJobs(database);
    const { installShutdown } = await import("@/lib/shutdown");
    installShutdown(database);
    if (database.target.kind === "pglite" && process.env.DEMO_AGENT !== "off") {
      // The live demo: simulated agents using the SDK and the public API with keys of their own.
      const { startDemoAgentInProcess, stopDemoAgentInProcess } = await import("@/lib/demo/agent-boot");
      void startDemoAgentInProcess(database);
      const { onShutdown } = await import("@/lib/shutdown");
      onShutdown("demo agent", stopDemoAgentInProcess);
    }
    log("info", "ready", { database: database.target.kind });
  } catch (e) {
    // One clear line, no stack: configuration problems are the operator's to fix, not a crash.
    console.error(`\nCrawl · Walk · Run cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
