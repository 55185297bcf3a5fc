// The schema and its migrations, and the migrator that applies them (lib/db/migrator.ts).
// Runs on in-memory PGlite databases; the last block also runs on a real PostgreSQL server when
// TEST_DATABASE_URL is set (it creates and drops a scratch database there).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  applyMigrations,
  markMigrationRolledBack,
  MigrationError,
  migrationStatus,
  readMigrations,
  sha256Hex,
  type MigrationRow,
} from "@/lib/db/migrator";
import {
  diffSchemaAgainstMigrations,
  openSchemaEngine,
  readMigrationsList,
  readSchemaFiles,
} from "@/scripts/lib/schema-diff";
import { pgClientExecutor, pgliteExecutor, withReliableScripts, type SqlExecutor } from "@/lib/db/sql";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCHEMA = path.join(ROOT, "prisma", "schema.prisma");
const MIGRATIONS = path.join(ROOT, "prisma", "migrations");
const ALL = readMigrations(MIGRATIONS).map((m) => m.name);

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-migrations-"));
  tempDirs.push(dir);
  return dir;
}
/** A migrations directory holding the given migration.sql files. */
function migrationsDir(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, sql] of Object.entries(files)) writeMigration(dir, name, sql);
  return dir;
}
function writeMigration(dir: string, name: string, sql: string): void {
  mkdirSync(path.join(dir, name), { recursive: true });
  writeFileSync(path.join(dir, name, "migration.sql"), sql);
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

async function rows(exec: SqlExecutor): Promise<MigrationRow[]> {
  return exec.query<MigrationRow>(`SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name`);
}
async function tableExists(exec: SqlExecutor, name: string): Promise<boolean> {
  const [row] = await exec.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS "exists"`, [name]);
  return row?.exists === true;
}
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("schema.prisma and prisma/migrations", () => {
  it("agree: replaying the migrations gives exactly the schema", async () => {
    const sql = await diffSchemaAgainstMigrations({ schemaPath: SCHEMA, migrationsDir: MIGRATIONS });
    expect(
      sql,
      "prisma/schema.prisma changed without a migration: run `npm run db:migration -- <name>` and commit the result",
    ).toBe("");
  });

  it("the check sees a schema edit that has no migration", async () => {
    const dir = tempDir();
    const schema = readFileSync(SCHEMA, "utf8").replace(/^(model Agent \{\n)/m, "$1  nickname String?\n");
    writeFileSync(path.join(dir, "schema.prisma"), schema);
    const sql = await diffSchemaAgainstMigrations({
      schemaPath: path.join(dir, "schema.prisma"),
      migrationsDir: MIGRATIONS,
    });
    expect(sql).toContain(`ALTER TABLE "agents" ADD COLUMN`);
    expect(sql).toContain(`"nickname" TEXT`);
  });

  it("are what Prisma generated: a lockfile, the init migration first", () => {
    expect(readFileSync(path.join(MIGRATIONS, "migration_lock.toml"), "utf8")).toContain(`provider = "postgresql"`);
    expect(ALL[0]).toMatch(/^\d{14}_init$/);
    expect(ALL.some((name) => /^\d{14}_audit_append_only$/.test(name))).toBe(true);
  });
});

describe("applyMigrations on a fresh database", () => {
  let db: PGlite;
  let exec: SqlExecutor;
  beforeAll(async () => {
    db = new PGlite();
    exec = pgliteExecutor(db);
  });
  afterAll(async () => {
    await db.close();
  });

  it("applies every migration in order and records it as Prisma does", async () => {
    const messages: string[] = [];
    const result = await applyMigrations(exec, { migrationsDir: MIGRATIONS, log: (m) => messages.push(m) });
    expect(result.applied).toEqual(ALL);
    expect(messages).toContain(`Applying migration ${ALL[0]}`);

    const recorded = await rows(exec);
    expect(recorded.map((r) => r.migration_name)).toEqual(ALL);
    for (const row of recorded) {
      const bytes = readFileSync(path.join(MIGRATIONS, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(sha256Hex(bytes));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await tableExists(exec, "audit_entries")).toBe(true);
  });

  it("created _prisma_migrations with Prisma's columns", async () => {
    const columns = await exec.query(
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      {
        column_name: "id",
        data_type: "character varying",
        character_maximum_length: 36,
        is_nullable: "NO",
        column_default: null,
      },
      {
        column_name: "checksum",
        data_type: "character varying",
        character_maximum_length: 64,
        is_nullable: "NO",
        column_default: null,
      },
      {
        column_name: "finished_at",
        data_type: "timestamp with time zone",
        character_maximum_length: null,
        is_nullable: "YES",
        column_default: null,
      },
      {
        column_name: "migration_name",
        data_type: "character varying",
        character_maximum_length: 255,
        is_nullable: "NO",
        column_default: null,
      },
      {
        column_name: "logs",
        data_type: "text",
        character_maximum_length: null,
        is_nullable: "YES",
        column_default: null,
      },
      {
        column_name: "rolled_back_at",
        data_type: "timestamp with time zone",
        character_maximum_length: null,
        is_nullable: "YES",
        column_default: null,
      },
      {
        column_name: "started_at",
        data_type: "timestamp with time zone",
        character_maximum_length: null,
        is_nullable: "NO",
        column_default: "now()",
      },
      {
        column_name: "applied_steps_count",
        data_type: "integer",
        character_maximum_length: null,
        is_nullable: "NO",
        column_default: "0",
      },
    ]);
  });

  it("applies nothing the second time, and releases the advisory lock", async () => {
    expect(await applyMigrations(exec, { migrationsDir: MIGRATIONS })).toEqual({ applied: [] });
    expect(await migrationStatus(exec, { migrationsDir: MIGRATIONS })).toEqual({
      applied: ALL,
      pending: [],
      failed: [],
      edited: [],
      missingOnDisk: [],
    });
    const locks = await exec.query(`SELECT objid FROM pg_locks WHERE locktype = 'advisory'`);
    expect(locks).toEqual([]);
  });

  it("leaves a history Prisma's own schema engine accepts", async () => {
    const session = await openSchemaEngine(readSchemaFiles(SCHEMA), { main: db });
    try {
      const migrationsList = readMigrationsList(MIGRATIONS);
      const diagnostic = await session.engine.diagnoseMigrationHistory({
        migrationsList,
        optInToShadowDatabase: false,
        filters: { externalTables: [], externalEnums: [] },
      });
      expect(diagnostic).toEqual({
        editedMigrationNames: [],
        failedMigrationNames: [],
        hasMigrationsTable: true,
        history: null,
      });
      const applied = await session.engine.applyMigrations({
        migrationsList,
        filters: { externalTables: [], externalEnums: [] },
      });
      expect(applied.appliedMigrationNames).toEqual([]);
    } finally {
      await session.close();
    }
  });

  describe("the audit log is append-only in the database", () => {
    beforeAll(async () => {
      await exec.query(
        `INSERT INTO audit_entries ("actorType", kind, "entityType", "entityId", data, "prevHash", hash)
         VALUES ('system', 'test.created', 'test', '1', '{"a":1}', '', 'h1')`,
      );
    });

    it.each([
      ["UPDATE", `UPDATE audit_entries SET kind = 'tampered'`],
      ["DELETE", `DELETE FROM audit_entries`],
      ["TRUNCATE", `TRUNCATE audit_entries`],
    ])("refuses %s", async (op, sql) => {
      const error = (await rejection(exec.query(sql))) as { message: string; code: string };
      expect(error.message).toBe(`audit_entries is append-only: ${op} is not allowed`);
      expect(error.code).toBe("23001");
      expect(await exec.query(`SELECT kind FROM audit_entries`)).toEqual([{ kind: "test.created" }]);
    });

    it("still accepts inserts", async () => {
      await exec.query(
        `INSERT INTO audit_entries ("actorType", kind, "entityType", "entityId", data, "prevHash", hash)
         VALUES ('system', 'test.second', 'test', '2', '{}', 'h1', 'h2')`,
      );
      expect((await exec.query(`SELECT seq FROM audit_entries`)).length).toBe(2);
    });
  });
});

// One scratch database for the tests below (creating a PGlite costs ~1 s), emptied after each test.
describe("on a scratch database", () => {
  let db: PGlite;
  let exec: SqlExecutor;
  beforeAll(() => {
    db = new PGlite();
    exec = pgliteExecutor(db);
  });
  afterEach(async () => {
    await db.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
  });
  afterAll(async () => {
    await db.close();
  });

  describe("applyMigrations refuses", () => {
    it("a failing migration: its statements roll back, it is recorded failed, and later runs refuse", async () => {
      const dir = migrationsDir({
        "20260101000000_first": `CREATE TABLE "first" ("id" INTEGER PRIMARY KEY);\n`,
        "20260102000000_broken": `CREATE TABLE "half_done" ("id" INTEGER);\nINSERT INTO "first" VALUES (1);\nSELECT 1 / 0;\n`,
        "20260103000000_after": `CREATE TABLE "after" ("id" INTEGER);\n`,
      });
      const error = await rejection(applyMigrations(exec, { migrationsDir: dir }));
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).migration).toBe("20260102000000_broken");
      expect((error as MigrationError).message).toMatch(/Migration "20260102000000_broken" failed.*division by zero/);

      expect(await tableExists(exec, "first")).toBe(true);
      expect(await tableExists(exec, "half_done")).toBe(false);
      expect(await exec.query(`SELECT * FROM "first"`)).toEqual([]);
      expect(await tableExists(exec, "after")).toBe(false);
      const [first, broken, ...rest] = await rows(exec);
      expect(rest).toEqual([]);
      expect(first?.finished_at).toBeInstanceOf(Date);
      expect(broken).toMatchObject({
        migration_name: "20260102000000_broken",
        finished_at: null,
        rolled_back_at: null,
        applied_steps_count: 0,
      });
      expect(broken?.logs).toContain("division by zero");
      expect(await exec.query(`SELECT objid FROM pg_locks WHERE locktype = 'advisory'`)).toEqual([]);

      expect((await migrationStatus(exec, { migrationsDir: dir })).failed).toEqual(["20260102000000_broken"]);
      const refusal = await rejection(applyMigrations(exec, { migrationsDir: dir }));
      expect(refusal).toBeInstanceOf(MigrationError);
      expect((refusal as MigrationError).reason).toBe("failed");
      expect((refusal as MigrationError).message).toMatch(
        /^Migration "20260102000000_broken" failed .*no further migration is applied/,
      );
      expect(await tableExists(exec, "after")).toBe(false);

      // Resolved like `prisma migrate resolve --rolled-back`, then fixed: it applies, the failed attempt stays as history.
      writeMigration(dir, "20260102000000_broken", `CREATE TABLE "half_done" ("id" INTEGER);\n`);
      await markMigrationRolledBack(exec, "20260102000000_broken");
      expect(await applyMigrations(exec, { migrationsDir: dir })).toEqual({
        applied: ["20260102000000_broken", "20260103000000_after"],
      });
      const history = await rows(exec);
      expect(
        history
          .filter((r) => r.migration_name === "20260102000000_broken")
          .map((r) => [r.finished_at === null, r.rolled_back_at === null]),
      ).toEqual([
        [true, false],
        [false, true],
      ]);
    });

    it("an applied migration whose file changed", async () => {
      const dir = migrationsDir({ "20260101000000_first": `CREATE TABLE "first" ("id" INTEGER);\n` });
      await applyMigrations(exec, { migrationsDir: dir });
      writeMigration(dir, "20260101000000_first", `CREATE TABLE "first" ("id" BIGINT);\n`);
      writeMigration(dir, "20260102000000_second", `CREATE TABLE "second" ("id" INTEGER);\n`);

      const error = await rejection(applyMigrations(exec, { migrationsDir: dir }));
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).reason).toBe("edited");
      expect((error as MigrationError).message).toMatch(
        /^Migration "20260101000000_first" was modified after it was applied/,
      );
      expect(await tableExists(exec, "second")).toBe(false);
      expect((await migrationStatus(exec, { migrationsDir: dir })).edited).toEqual(["20260101000000_first"]);

      // Only line endings changed (git checkout on Windows): accepted, as Prisma does.
      writeMigration(dir, "20260101000000_first", `CREATE TABLE "first" ("id" INTEGER);\r\n`);
      expect(await applyMigrations(exec, { migrationsDir: dir })).toEqual({ applied: ["20260102000000_second"] });
    });

    it("an applied migration that is not on disk", async () => {
      const dir = migrationsDir({
        "20260101000000_first": `CREATE TABLE "first" ("id" INTEGER);\n`,
        "20260102000000_second": `CREATE TABLE "second" ("id" INTEGER);\n`,
      });
      await applyMigrations(exec, { migrationsDir: dir });
      rmSync(path.join(dir, "20260102000000_second"), { recursive: true });
      writeMigration(dir, "20260103000000_third", `CREATE TABLE "third" ("id" INTEGER);\n`);
      const error = await rejection(applyMigrations(exec, { migrationsDir: dir }));
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).reason).toBe("missing-on-disk");
      expect((error as MigrationError).message).toMatch(
        /^Migration "20260102000000_second" is applied in the database but is not in /,
      );
      expect(await tableExists(exec, "third")).toBe(false);
    });
  });

  describe("SqlExecutor and the adapter fix on PGlite", () => {
    it("exec runs a script atomically, with $$ bodies and ';' in literals intact", async () => {
      await exec.exec(`CREATE TABLE t (s TEXT);
        CREATE FUNCTION f() RETURNS TEXT LANGUAGE plpgsql AS $$ BEGIN RETURN 'x;y'; END; $$;
        INSERT INTO t VALUES ('a;b'), (f());`);
      expect(await exec.query(`SELECT s FROM t ORDER BY s`)).toEqual([{ s: "a;b" }, { s: "x;y" }]);
      await expect(exec.exec(`INSERT INTO t VALUES ('c'); CREATE TABLE u (x INT); SELECT 1 / 0;`)).rejects.toThrow(
        "division by zero",
      );
      expect(await exec.query(`SELECT count(*)::int AS n FROM t`)).toEqual([{ n: 2 }]);
      expect(await tableExists(exec, "u")).toBe(false);
    });

    it("withReliableScripts makes the Prisma adapter's executeScript await and fail atomically", async () => {
      const adapter = withReliableScripts(await new PrismaPGlite(db).connect(), pgliteExecutor(db));
      await expect(adapter.executeScript(`CREATE TABLE v (x INT); SELECT 1 / 0;`)).rejects.toMatchObject({
        name: "DriverAdapterError",
        cause: { kind: "postgres", code: "22012" },
      });
      await adapter.executeScript(`CREATE TABLE w (s TEXT); INSERT INTO w VALUES ('a;b');`);
      expect(await tableExists(exec, "v")).toBe(false);
      expect(await exec.query(`SELECT s FROM w`)).toEqual([{ s: "a;b" }]);
    });
  });
});

// Real PostgreSQL (pg); skipped unless TEST_DATABASE_URL is set. The role needs CREATEDB. A private server:
//   apt-get install -y postgresql; D=$(mktemp -d); chown postgres "$D"
//   su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $D/data -U postgres --auth=trust"
//   su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $D/data -l $D/log -o '-c listen_addresses=127.0.0.1 -p 55432 -k $D' -w start"
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres npx vitest run lib/db
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

describe.skipIf(!TEST_DATABASE_URL)("on PostgreSQL through pgClientExecutor", () => {
  const database = `cwr_migrations_test_${process.pid}_${Date.now()}`;
  let admin: pg.Client;
  const clients: pg.Client[] = [];
  async function connect(): Promise<pg.Client> {
    const url = new URL(TEST_DATABASE_URL!);
    url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    clients.push(client);
    return client;
  }
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await admin?.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
  });

  it("two concurrent runs apply each migration once (advisory lock), then nothing is pending", async () => {
    const [a, b] = [pgClientExecutor(await connect()), pgClientExecutor(await connect())];
    const [ra, rb] = await Promise.all([
      applyMigrations(a, { migrationsDir: MIGRATIONS }),
      applyMigrations(b, { migrationsDir: MIGRATIONS }),
    ]);
    expect([...ra.applied, ...rb.applied]).toEqual(ALL);
    expect(ra.applied.length === 0 || rb.applied.length === 0).toBe(true);
    const recorded = await rows(a);
    expect(recorded.map((r) => r.migration_name)).toEqual(ALL);
    for (const row of recorded) {
      expect(row.checksum).toBe(sha256Hex(readFileSync(path.join(MIGRATIONS, row.migration_name, "migration.sql"))));
      expect(row).toMatchObject({ rolled_back_at: null, logs: null, applied_steps_count: 1 });
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    expect(await applyMigrations(a, { migrationsDir: MIGRATIONS })).toEqual({ applied: [] });
  });

  it("the audit trigger refuses UPDATE and DELETE", async () => {
    const exec = pgClientExecutor(await connect());
    await exec.query(
      `INSERT INTO audit_entries ("actorType", kind, "entityType", "entityId", data, "prevHash", hash)
       VALUES ('system', 'test.created', 'test', '1', '{}', '', 'pg-h1')`,
    );
    await expect(exec.query(`UPDATE audit_entries SET kind = 'x'`)).rejects.toMatchObject({ code: "23001" });
    await expect(exec.query(`DELETE FROM audit_entries`)).rejects.toMatchObject({ code: "23001" });
    await expect(exec.query(`TRUNCATE audit_entries`)).rejects.toMatchObject({ code: "23001" });
  });

  it("exec is atomic and keeps $$ bodies and 'a;b' intact; a failing migration rolls back and is recorded", async () => {
    const exec = pgClientExecutor(await connect());
    await exec.exec(`CREATE TABLE pg_t (s TEXT);
      CREATE FUNCTION pg_f() RETURNS TEXT LANGUAGE plpgsql AS $$ BEGIN RETURN 'x;y'; END; $$;
      INSERT INTO pg_t VALUES ('a;b'), (pg_f()); -- trailing comment`);
    expect(await exec.query(`SELECT s FROM pg_t ORDER BY s`)).toEqual([{ s: "a;b" }, { s: "x;y" }]);
    await expect(exec.exec(`CREATE TABLE pg_u (x INT); SELECT 1 / 0;`)).rejects.toThrow("division by zero");
    expect(await tableExists(exec, "pg_u")).toBe(false);

    const dir = migrationsDir({});
    for (const name of ALL)
      writeMigration(dir, name, readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
    writeMigration(dir, "29990101000000_broken", `CREATE TABLE pg_half (x INT);\nSELECT 1 / 0;\n`);
    const error = await rejection(applyMigrations(exec, { migrationsDir: dir }));
    expect((error as MigrationError).migration).toBe("29990101000000_broken");
    expect(await tableExists(exec, "pg_half")).toBe(false);
    const refusal = await rejection(applyMigrations(exec, { migrationsDir: dir }));
    expect((refusal as MigrationError).reason).toBe("failed");
  });
});
