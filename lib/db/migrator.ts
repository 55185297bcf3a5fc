// Applies prisma/migrations the way `prisma migrate deploy` does, and records them in `_prisma_migrations`
// exactly as Prisma does, so the Prisma CLI (where it can run) and this migrator agree on the history.
// Pure Node: no Prisma CLI, no schema engine. Works on any SqlExecutor (PGlite or a pg client).
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { SqlExecutor } from "./sql";

/** The advisory lock key Prisma Migrate takes on PostgreSQL while it migrates. */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** Prisma's own DDL for the history table (prisma-engines, postgres flavour), unchanged. */
export const PRISMA_MIGRATIONS_TABLE_DDL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

export const DEFAULT_MIGRATIONS_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");

export type MigrationErrorReason = "failed" | "edited" | "missing-on-disk" | "apply-failed" | "invalid-directory";

/** Thrown when the migrator refuses to go on; `message` says what happened and what to do. */
export class MigrationError extends Error {
  override name = "MigrationError";
  constructor(
    message: string,
    readonly reason: MigrationErrorReason,
    readonly migration: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface MigrationFile {
  /** Directory name, e.g. `20261124063805_init`. */
  name: string;
  sql: string;
  /** sha256 hex of the bytes of migration.sql, as Prisma computes it. */
  checksum: string;
}

export interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

export interface MigrateOptions {
  /** Default: `prisma/migrations` under the current directory. */
  migrationsDir?: string;
  log?: (message: string) => void;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Prisma accepts a checksum computed with either line ending (git may convert them on checkout):
 * the file as it is, with CRLF turned into LF, or with LF turned into CRLF.
 */
export function checksumMatches(sql: string, checksum: string): boolean {
  const expected = checksum.toLowerCase();
  return [sql, sql.replaceAll("\r\n", "\n"), sql.replaceAll("\n", "\r\n")].some((s) => sha256Hex(s) === expected);
}

/** The migration directories, sorted by name (timestamp first), each with its migration.sql. */
export function readMigrations(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  if (!existsSync(migrationsDir)) return [];
  const names = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => {
    const file = path.join(migrationsDir, name, "migration.sql");
    if (!existsSync(file)) {
      throw new MigrationError(
        `Migration "${name}" has no migration.sql (${file}). Every directory in ${migrationsDir} must hold one; remove or fix the directory.`,
        "invalid-directory",
        name,
      );
    }
    const bytes = readFileSync(file);
    return { name, sql: bytes.toString("utf8"), checksum: sha256Hex(bytes) };
  });
}

async function migrationsTableExists(exec: SqlExecutor): Promise<boolean> {
  const rows = await exec.query<{ exists: boolean }>(
    `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS "exists"`,
  );
  return rows[0]?.exists === true;
}

async function readRows(exec: SqlExecutor): Promise<MigrationRow[]> {
  const rows = await exec.query<MigrationRow>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM _prisma_migrations
      ORDER BY started_at ASC, migration_name ASC`,
  );
  return rows.map((row) => ({ ...row, applied_steps_count: Number(row.applied_steps_count) }));
}

const isFailed = (row: MigrationRow) => row.finished_at === null && row.rolled_back_at === null;
const isApplied = (row: MigrationRow) => row.finished_at !== null && row.rolled_back_at === null;

export interface MigrationStatus {
  /** Applied and finished (not rolled back), in migration order. */
  applied: string[];
  /** On disk, neither applied nor failed: what `applyMigrations` would apply (if nothing blocks it). */
  pending: string[];
  /** Started but neither finished nor rolled back: the migrator refuses to go on while there is one. */
  failed: string[];
  /** Applied, but migration.sql was changed afterwards. */
  edited: string[];
  /** Applied in the database but absent from the migrations directory. */
  missingOnDisk: string[];
}

function diagnose(rows: MigrationRow[], files: MigrationFile[]): MigrationStatus {
  const byName = new Map(files.map((file) => [file.name, file]));
  const applied = new Map<string, MigrationRow>();
  for (const row of rows) if (isApplied(row)) applied.set(row.migration_name, row);
  const failed = [...new Set(rows.filter(isFailed).map((row) => row.migration_name))];
  const edited = [...applied.values()]
    .filter((row) => {
      const file = byName.get(row.migration_name);
      return file !== undefined && !checksumMatches(file.sql, row.checksum);
    })
    .map((row) => row.migration_name);
  return {
    applied: files.filter((file) => applied.has(file.name)).map((file) => file.name),
    pending: files.filter((file) => !applied.has(file.name) && !failed.includes(file.name)).map((file) => file.name),
    failed,
    edited,
    missingOnDisk: [...applied.keys()].filter((name) => !byName.has(name)),
  };
}

/** Read-only: compares `_prisma_migrations` with the migrations directory. Takes no lock. */
export async function migrationStatus(
  exec: SqlExecutor,
  opts: Pick<MigrateOptions, "migrationsDir"> = {},
): Promise<MigrationStatus> {
  const files = readMigrations(opts.migrationsDir);
  const rows = (await migrationsTableExists(exec)) ? await readRows(exec) : [];
  return diagnose(rows, files);
}

function refuseIfBlocked(rows: MigrationRow[], status: MigrationStatus, migrationsDir: string): void {
  const [failed] = status.failed;
  if (failed !== undefined) {
    const row = rows.find((r) => r.migration_name === failed && isFailed(r));
    const firstLog = row?.logs?.split("\n").find((line) => line.trim() !== "" && !line.startsWith("Database error"));
    throw new MigrationError(
      `Migration "${failed}" failed${row ? ` (started ${row.started_at.toISOString()})` : ""}` +
        `${firstLog ? `: ${firstLog.trim()}` : ""}. It is recorded in _prisma_migrations as failed ` +
        `(finished_at and rolled_back_at are null), so no further migration is applied. Its statements ran in one ` +
        `transaction and were rolled back. Fix migration.sql (or the data it tripped on), then mark the failed ` +
        `attempt rolled back (markMigrationRolledBack, like \`prisma migrate resolve --rolled-back ${failed}\`) and migrate again.`,
      "failed",
      failed,
    );
  }
  const [missing] = status.missingOnDisk;
  if (missing !== undefined) {
    throw new MigrationError(
      `Migration "${missing}" is applied in the database but is not in ${migrationsDir}. ` +
        `This code is older than the database, or the directory was renamed or deleted; restore it before migrating.`,
      "missing-on-disk",
      missing,
    );
  }
  const [edited] = status.edited;
  if (edited !== undefined) {
    throw new MigrationError(
      `Migration "${edited}" was modified after it was applied: the checksum of its migration.sql differs from ` +
        `the one recorded in _prisma_migrations. Applied migrations must not be edited; restore the file ` +
        `(e.g. from git) and put the change in a new migration.`,
      "edited",
      edited,
    );
  }
}

function failureLogs(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; detail?: unknown; hint?: unknown; position?: unknown };
  const message = typeof e?.message === "string" ? e.message : String(error);
  const parts = [
    typeof e?.code === "string" ? `Database error code: ${e.code}\n\nDatabase error:\n${message}` : message,
  ];
  if (typeof e?.detail === "string" && e.detail) parts.push(`DETAIL: ${e.detail}`);
  if (typeof e?.hint === "string" && e.hint) parts.push(`HINT: ${e.hint}`);
  if (e?.position !== undefined && e.position !== null && e.position !== "")
    parts.push(`Position: ${String(e.position)}`);
  return parts.join("\n\n");
}

/**
 * Applies the pending migrations in name order, holding Prisma's advisory lock for the whole run.
 * Each migration is recorded like Prisma does it: a row is inserted when it starts (started_at,
 * checksum), then the script and the row's completion (finished_at, applied_steps_count = 1) commit
 * together in one transaction. If the script fails, nothing of it remains, the row keeps finished_at
 * null with the error in `logs` (a failed migration, as Prisma records it), and a MigrationError is
 * thrown; later runs refuse until the failure is resolved.
 *
 * Refuses to start (MigrationError) when the database has a failed migration, an applied migration
 * that is not on disk, or an applied migration whose file changed.
 */
export async function applyMigrations(exec: SqlExecutor, opts: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const migrationsDir = opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const log = opts.log ?? (() => undefined);
  const files = readMigrations(migrationsDir);

  await exec.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY})`);
  let succeeded = false;
  try {
    if (!(await migrationsTableExists(exec))) {
      await exec.exec(PRISMA_MIGRATIONS_TABLE_DDL);
    }
    const rows = await readRows(exec);
    const status = diagnose(rows, files);
    refuseIfBlocked(rows, status, migrationsDir);

    const applied: string[] = [];
    for (const name of status.pending) {
      const file = files.find((f) => f.name === name)!;
      const id = randomUUID();
      log(`Applying migration ${name}`);
      await exec.query(
        `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)`,
        [id, file.checksum, name],
      );
      try {
        // The `;` on its own line ends the script's last statement even when the file ends with a
        // `--` comment or without a semicolon. `id` is a UUID we generated, safe to inline.
        await exec.exec(
          `${file.sql}\n;\nUPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = applied_steps_count + 1 WHERE id = '${id}';\n`,
        );
      } catch (error) {
        await exec.query(`UPDATE _prisma_migrations SET logs = $2 WHERE id = $1`, [id, failureLogs(error)]);
        const message = error instanceof Error ? error.message : String(error);
        throw new MigrationError(
          `Migration "${name}" failed and was rolled back: ${message}. It is recorded in _prisma_migrations as ` +
            `failed; fix it, mark it rolled back (markMigrationRolledBack) and migrate again.`,
          "apply-failed",
          name,
          { cause: error },
        );
      }
      applied.push(name);
      log(`Applied migration ${name}`);
    }
    if (applied.length === 0) log("No pending migrations");
    succeeded = true;
    return { applied };
  } finally {
    // Do not let a failing unlock (e.g. a dropped connection, which releases the lock anyway) hide the
    // error that got us here.
    await exec.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_LOCK_KEY})`).catch((error: unknown) => {
      if (succeeded) throw error;
    });
  }
}

/**
 * Marks the failed attempt(s) of a migration rolled back (`prisma migrate resolve --rolled-back`):
 * the rows stay as an audit trail and the next `applyMigrations` applies the migration again.
 * Throws if the migration has no failed attempt.
 */
export async function markMigrationRolledBack(exec: SqlExecutor, migrationName: string): Promise<void> {
  const rows = await exec.query<{ id: string }>(
    `UPDATE _prisma_migrations SET rolled_back_at = now()
      WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL
      RETURNING id`,
    [migrationName],
  );
  if (rows.length === 0) {
    throw new MigrationError(
      `Migration "${migrationName}" has no failed attempt to mark rolled back.`,
      "failed",
      migrationName,
    );
  }
}
