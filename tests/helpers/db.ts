// A real, migrated, empty database per test file: in-memory PGlite by default, or a fresh database
// on the PostgreSQL server at TEST_DATABASE_URL when TEST_BACKEND=postgres.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "@/lib/db/client";

export async function testDatabase(): Promise<Database> {
  if (process.env.TEST_BACKEND !== "postgres") return openDatabase({ memory: true, target: { kind: "pglite", dir: "" } });
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("TEST_BACKEND=postgres needs TEST_DATABASE_URL");
  const name = `cwr_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ target: { kind: "postgres", url: url.toString() } });
  const close = database.close.bind(database);
  return {
    ...database,
    async close() {
      await close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
