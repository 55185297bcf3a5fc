// The one Prisma client factory: PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set,
// otherwise embedded PGlite in a local folder. Migrations are applied before the client is handed out.
import { mkdirSync, accessSync, constants } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";
import { applyMigrations } from "./migrator";
import { pgClientExecutor, pgliteExecutor, type SqlExecutor } from "./sql";
import { databaseTarget, describeTarget, type DatabaseTarget } from "./config";
import { DatabaseLockedError, lockDataDir } from "./pglite-lock";
import { isDiskFull } from "@/lib/errors";
import { pgliteWithTurns } from "./pglite-turns";

export type Prisma = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  target: DatabaseTarget;
  /** the embedded engine, for in-process LISTEN; null on PostgreSQL */
  pglite: PGlite | null;
  close(): Promise<void>;
}

export class DatabaseStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseStartError";
  }
}

function reason(e: unknown): string {
  if (isDiskFull(e)) return "its disk is full (no space left on device): free space on it, then start again";
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message}` : String(err?.message ?? e);
}

async function openPglite(dir: string | null): Promise<{ pglite: PGlite; release: () => void }> {
  let release = () => {};
  if (dir) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch (e) {
      throw new DatabaseStartError(`PGLITE_DIR ${dir} cannot be created or written (${reason(e)}).`, { cause: e });
    }
    try {
      release = lockDataDir(dir);
    } catch (e) {
      if (e instanceof DatabaseLockedError) throw e;
      throw new DatabaseStartError(`The embedded database in ${dir} cannot be locked: ${reason(e)}.`, { cause: e });
    }
  }
  try {
    const pglite = dir ? await PGlite.create(dir) : await PGlite.create();
    return { pglite, release };
  } catch (e) {
    release();
    throw new DatabaseStartError(`The embedded database in ${dir} could not be opened (${reason(e)}).`, { cause: e });
  }
}

async function migrate(exec: SqlExecutor, target: DatabaseTarget, log: (m: string) => void): Promise<void> {
  try {
    await applyMigrations(exec, { log });
  } catch (e) {
    throw new DatabaseStartError(`Migrations on ${describeTarget(target)} failed: ${reason(e)}`, { cause: e });
  }
}

/** The role named in a connection string (the app's runtime role). */
export function appRoleOf(url: string): string {
  const user = decodeURIComponent(new URL(url).username);
  if (!/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(user))
    throw new DatabaseStartError("DATABASE_URL must name the app's role (user) when DATABASE_OWNER_URL is set.");
  return user;
}

/**
 * What the app's role may do, re-stated after every migration (new tables included): read and write
 * every table, but only INSERT and SELECT the audit log (its tree and checkpoints too), and only read the migrations table;
 * partitions are made and dropped through two owner's functions only.
 */
export async function grantAppRole(owner: pg.Client, role: string): Promise<void> {
  const r = `"${role.replace(/"/g, '""')}"`;
  const owns = await owner.query<{ mine: boolean }>(
    `SELECT tableowner = $1 AS mine FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'audit_entries'`,
    [role],
  );
  if (owns.rows[0]?.mine)
    throw new DatabaseStartError(
      `The app's role ${role} owns the tables: DATABASE_OWNER_URL must name another role (the owner), DATABASE_URL the app's.`,
    );
  await owner.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
  await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
  await owner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
  await owner.query(
    `REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_entries, audit_tree_hashes, audit_checkpoints FROM ${r}`,
  );
  await owner.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON _prisma_migrations FROM ${r}`);
  // outcome_events' monthly partitions, made and dropped by the owner's functions (lib/outcome-partitions/mutations.ts)
  await owner.query(
    `GRANT EXECUTE ON FUNCTION cwr_create_outcome_partition(timestamptz), cwr_drop_outcome_partition(timestamptz) TO ${r}`,
  );
}

export interface OpenOptions {
  target?: DatabaseTarget;
  /** in-memory PGlite (tests) */
  memory?: boolean;
  log?: (message: string) => void;
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const log = options.log ?? (() => {});
  const target = options.target ?? databaseTarget();

  if (target.kind === "pglite") {
    const { pglite, release } = await openPglite(options.memory ? null : target.dir);
    try {
      await migrate(pgliteExecutor(pglite), target, log);
    } catch (e) {
      await pglite.close();
      release();
      throw e;
    }
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pgliteWithTurns(pglite)) });
    return {
      prisma,
      target,
      pglite,
      async close() {
        await prisma.$disconnect();
        await pglite.close();
        release();
      },
    };
  }

  // Migrations run as the owner (DATABASE_OWNER_URL) when one is given, which then grants the app's
  // role what it may do; otherwise the app's own role migrates (and owns the tables: see below).
  const client = new pg.Client({ connectionString: target.ownerUrl ?? target.url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (e) {
    throw new DatabaseStartError(
      `Cannot reach ${describeTarget(target)}${target.ownerUrl ? " as the owner (DATABASE_OWNER_URL)" : ""} (${reason(e)}).`,
      { cause: e },
    );
  }
  try {
    await migrate(pgClientExecutor(client), target, log);
    if (target.ownerUrl) await grantAppRole(client, appRoleOf(target.url));
  } catch (e) {
    throw e instanceof DatabaseStartError
      ? e
      : new DatabaseStartError(`Granting the app's role on ${describeTarget(target)} failed (${reason(e)}).`, {
          cause: e,
        });
  } finally {
    await client.end();
  }
  if (!target.ownerUrl)
    log(
      'warning: the app\'s database role owns its tables (no DATABASE_OWNER_URL), so it could rewrite the audit log; the hash chain and signed checkpoints still detect it. See docs/production.md, "Two database roles".',
    );
  const pool = new pg.Pool({
    connectionString: target.url,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    application_name: "cwr-app",
  });
  // An idle connection the server dropped (restart, failover) must not crash the process: the pool
  // discards it and opens a fresh one on the next query.
  pool.on("error", (e) => log(`database pool: an idle connection failed (${reason(e)})`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    target,
    pglite: null,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export type { TransactionClient as Tx } from "./generated/internal/prismaNamespace.ts";
