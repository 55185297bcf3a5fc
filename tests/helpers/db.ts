// A real, migrated, empty database per test file: in-memory PGlite by default, or a fresh database
// on the PostgreSQL server at TEST_DATABASE_URL when TEST_BACKEND=postgres. On PostgreSQL it runs as
// production should (docs/production.md, "Two database roles"): the server's user owns the tables and
// migrates, the app works as the role `cwr_app`, which may only INSERT and SELECT the audit log.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "@/lib/db/client";

export const TEST_APP_ROLE = "cwr_app";

export interface TestDatabase extends Database {
  /** runs SQL as the tables' owner (on PGlite there is one role: the app's own connection) */
  asOwner(sql: string, params?: unknown[]): Promise<void>;
}

/** The app's role on the test server (created once; parallel test files may race to create it). */
export async function ensureAppRole(base: string): Promise<void> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TEST_APP_ROLE}') THEN CREATE ROLE ${TEST_APP_ROLE} LOGIN PASSWORD '${TEST_APP_ROLE}'; END IF; END $$`,
    );
  } catch (e) {
    if (!/already exists|duplicate key/.test(String((e as Error).message))) throw e;
  } finally {
    await c.end();
  }
}

/** The same server and database, connecting as the app's role. */
export function asAppRole(url: string): string {
  const u = new URL(url);
  u.username = TEST_APP_ROLE;
  u.password = TEST_APP_ROLE;
  return u.toString();
}

export async function testDatabase(): Promise<TestDatabase> {
  if (process.env.TEST_BACKEND !== "postgres") {
    const database = await openDatabase({ memory: true, target: { kind: "pglite", dir: "" } });
    return {
      ...database,
      asOwner: async (sql, params = []) => void (await database.prisma.$executeRawUnsafe(sql, ...params)),
    };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("TEST_BACKEND=postgres needs TEST_DATABASE_URL");
  await ensureAppRole(base);
  const name = `cwr_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const ownerUrl = url.toString();
  const database = await openDatabase({ target: { kind: "postgres", url: asAppRole(ownerUrl), ownerUrl } });
  const close = database.close.bind(database);
  return {
    ...database,
    async asOwner(sql, params = []) {
      const c = new pg.Client({ connectionString: ownerUrl });
      await c.connect();
      try {
        await c.query(sql, params);
      } finally {
        await c.end();
      }
    },
    async close() {
      await close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
