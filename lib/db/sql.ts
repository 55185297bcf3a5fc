// A minimal SQL surface shared by the embedded database (PGlite) and a real PostgreSQL server (pg).
// The migrator (lib/db/migrator.ts) runs on it, so it needs no Prisma CLI and no native engine.
import type { PGlite } from "@electric-sql/pglite";
import type { Client as PgClient } from "pg";
import { DriverAdapterError, type SqlDriverAdapter } from "@prisma/driver-adapter-utils";

export interface SqlExecutor {
  /** One statement, optional `$1…` parameters; returns the rows as objects keyed by column name. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * A multi-statement script, run atomically in one transaction (all of it or nothing) and awaited.
   * The script is sent to the server as it is (never split on `;`), so `$$` function bodies and
   * `'a;b'` literals are safe. It must not contain its own BEGIN/COMMIT.
   */
  exec(script: string): Promise<void>;
}

/**
 * Embedded PostgreSQL. PGlite has a single connection: a query issued while `exec` runs waits for it.
 * Type parsing is PGlite's: int8 and numeric come back as numbers, timestamptz as Date, json as objects.
 */
export function pgliteExecutor(db: PGlite): SqlExecutor {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const result = await db.query<T>(sql, params ?? []);
      return result.rows;
    },
    async exec(script: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.exec(script);
      });
    },
  };
}

/**
 * A connected `pg` client (a `PoolClient` works too: keep it checked out while you use the executor,
 * since advisory locks and transactions belong to one connection).
 * Type parsing is pg's: int8 and numeric come back as strings, timestamptz as Date, json as objects.
 */
export function pgClientExecutor(client: PgClient): SqlExecutor {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const result = params === undefined ? await client.query(sql) : await client.query(sql, params);
      return result.rows as T[];
    },
    async exec(script: string): Promise<void> {
      // Sent as three messages, so the script's last line may be a `--` comment. Without parameters pg
      // uses the simple query protocol, which accepts several statements in one string.
      await client.query("BEGIN");
      try {
        await client.query(script);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    },
  };
}

/** The fields PostgreSQL errors carry in both pg (`DatabaseError`) and PGlite. */
interface PostgresErrorLike {
  message: string;
  code: string;
  severity: string;
  detail?: string;
  column?: string;
  hint?: string;
}

function isPostgresError(error: unknown): error is PostgresErrorLike {
  if (typeof error !== "object" || error === null) return false;
  const e = error as Record<string, unknown>;
  return typeof e.message === "string" && typeof e.code === "string" && typeof e.severity === "string";
}

/**
 * Fixes `executeScript` of a Prisma driver adapter, which Prisma's schema engine uses to run migration
 * scripts (`applyMigrations`, and replaying the migrations on a shadow database):
 * - pglite-prisma-adapter 0.7.2 does not await the script, so a failing migration is recorded as applied;
 * - @prisma/adapter-pg 7.10.1 splits the script on `;`, which breaks `$$` bodies and `'a;b'` literals and
 *   is not atomic.
 * The returned adapter runs scripts through `executor.exec` (atomic, awaited, never split) and reports
 * PostgreSQL errors to the engine the way the adapters report query errors. Everything else is delegated.
 *
 * For PGlite: `withReliableScripts(await new PrismaPGlite(db).connect(), pgliteExecutor(db))`.
 * For adapter-pg, give it an executor over a dedicated `pg.Client` of the same database.
 */
export function withReliableScripts(adapter: SqlDriverAdapter, executor: Pick<SqlExecutor, "exec">): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
    dispose: () => adapter.dispose(),
    async executeScript(script: string): Promise<void> {
      try {
        await executor.exec(script);
      } catch (error) {
        if (isPostgresError(error)) {
          throw new DriverAdapterError({
            kind: "postgres",
            code: error.code,
            severity: error.severity,
            message: error.message,
            detail: error.detail,
            column: error.column,
            hint: error.hint,
            originalCode: error.code,
            originalMessage: error.message,
          });
        }
        throw error;
      }
    },
  };
}
