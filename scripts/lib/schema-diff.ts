// Drives Prisma's WebAssembly schema engine (@prisma/schema-engine-wasm) offline, with throwaway in-memory
// PGlite databases as its "main" and shadow databases. Prisma's CLI cannot run `migrate dev`/`migrate diff`
// here (it insists on downloading a native engine); this module does what they do for us:
// - diffSchemaAgainstMigrations(): SQL that would bring the migrations up to schema.prisma ("" when in sync);
// - createMigration(): writes prisma/migrations/<timestamp>_<name>/migration.sql exactly as
//   `prisma migrate dev --create-only` does (same engine calls, same files).
// Development tooling only: never import it from application code (it loads a 5 MB WebAssembly module).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type {
  MigrationFeedback,
  MigrationList,
  SchemaContainer,
  SchemaEngine,
  SchemaFilter,
} from "@prisma/schema-engine-wasm";
import { DEFAULT_MIGRATIONS_DIR } from "../../lib/db/migrator";
import { pgliteExecutor, withReliableScripts } from "../../lib/db/sql";

export const DEFAULT_SCHEMA_PATH = path.join(process.cwd(), "prisma", "schema.prisma");
const LOCKFILE = "migration_lock.toml";
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface SchemaDiffOptions {
  /** Default: prisma/schema.prisma under the current directory. */
  schemaPath?: string;
  /** Default: prisma/migrations under the current directory. */
  migrationsDir?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Loading the WebAssembly module

type WasmModule = typeof import("@prisma/schema-engine-wasm");

let wasmModule: Promise<WasmModule> | undefined;
/** Timers the engine started (it never clears them; they kept the process alive ~10 s). */
const engineTimers = new Set<ReturnType<typeof setTimeout>>();
let openEngines = 0;

/**
 * The package's entry point imports the .wasm file as an ES module, which Node 20 cannot do; so we
 * instantiate it ourselves with the wasm-bindgen glue (schema_engine_bg.js), the way Prisma's CLI loads
 * its other Wasm modules.
 * The engine's `setTimeout` import is wrapped so that the timers still pending when the last engine is
 * closed can be cleared.
 */
function loadWasm(): Promise<WasmModule> {
  wasmModule ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
    const glue = (await import(pathToFileURL(path.join(dir, "schema_engine_bg.js")).href)) as WasmModule &
      Record<string, unknown> & { __wbg_set_wasm(exports: WebAssembly.Exports): void };
    const imports: Record<string, unknown> = { ...glue };
    for (const name of Object.keys(glue)) {
      if (!name.startsWith("__wbg_setTimeout_")) continue;
      imports[name] = (callback: () => void, ms: number) => {
        const timer = setTimeout(() => {
          engineTimers.delete(timer);
          callback();
        }, ms >>> 0);
        engineTimers.add(timer);
        return timer;
      };
    }
    const compiled = new WebAssembly.Module(readFileSync(path.join(dir, "schema_engine_bg.wasm")));
    const instance = new WebAssembly.Instance(compiled, {
      "./schema_engine_bg.js": imports as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    // The engine reports Rust panics through this global before trapping.
    const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    g.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        process.stderr.write(`Prisma schema engine panicked: ${message}\n`);
      },
    };
    return glue;
  })();
  return wasmModule;
}

// ---------------------------------------------------------------------------------------------------------
// Throwaway PGlite databases behind Prisma's driver adapter interface

/**
 * A PGlite adapter whose in-memory database is only created on first use (creating one costs ~1.3 s, and
 * `diff` only needs the shadow database), with the executeScript fix from lib/db/sql.ts.
 */
function lazyPgliteAdapter(databases: PGlite[]): SqlDriverAdapter {
  let inner: Promise<SqlDriverAdapter> | undefined;
  const open = () =>
    (inner ??= (async () => {
      const db = new PGlite();
      databases.push(db);
      return withReliableScripts(await new PrismaPGlite(db).connect(), pgliteExecutor(db));
    })());
  return {
    provider: "postgres",
    adapterName: "pglite-prisma-adapter",
    queryRaw: async (query) => (await open()).queryRaw(query),
    executeRaw: async (query) => (await open()).executeRaw(query),
    executeScript: async (script) => (await open()).executeScript(script),
    startTransaction: async (isolationLevel) => (await open()).startTransaction(isolationLevel),
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    dispose: async () => {
      if (!inner) return;
      const adapter = await inner;
      await adapter.dispose();
    },
  };
}

export interface EngineSession {
  engine: SchemaEngine;
  /** Frees the engine, closes its databases, and clears the engine's timers once no engine is open. */
  close(): Promise<void>;
}

/**
 * Starts the schema engine with fresh in-memory shadow databases, on `opts.main` (a PGlite of yours,
 * left open by `close()`) or else on a throwaway in-memory main database.
 */
export async function openSchemaEngine(
  schemaFiles: SchemaContainer[],
  opts: { main?: PGlite } = {},
): Promise<EngineSession> {
  const wasm = await loadWasm();
  const databases: PGlite[] = [];
  const { main } = opts;
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: "pglite-prisma-adapter",
    connect: async () =>
      main
        ? withReliableScripts(await new PrismaPGlite(main).connect(), pgliteExecutor(main))
        : lazyPgliteAdapter(databases),
    connectToShadowDb: async () => lazyPgliteAdapter(databases),
  };
  const debug = process.env.SCHEMA_ENGINE_DEBUG === "1";
  const onLog = (line: string) => {
    if (debug) process.stderr.write(`[schema-engine] ${line}\n`);
  };
  openEngines++;
  let engine: SchemaEngine;
  try {
    engine = await wasm.SchemaEngine.new(
      { datamodels: schemaFiles.map((file): [string, string] => [file.path, file.content]) },
      onLog,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
  } catch (error) {
    openEngines--;
    throw error;
  }
  let closed = false;
  return {
    engine,
    async close() {
      if (closed) return;
      closed = true;
      engine.free();
      await Promise.all(databases.map((db) => db.close().catch(() => undefined)));
      if (--openEngines === 0) {
        for (const timer of engineTimers) clearTimeout(timer);
        engineTimers.clear();
      }
    },
  };
}

async function withSchemaEngine<T>(
  schemaFiles: SchemaContainer[],
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const session = await openSchemaEngine(schemaFiles);
  try {
    return await fn(session.engine);
  } finally {
    await session.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Inputs, read from disk the way Prisma's CLI reads them

export function readSchemaFiles(schemaPath: string = DEFAULT_SCHEMA_PATH): SchemaContainer[] {
  return [{ path: schemaPath, content: readFileSync(schemaPath, "utf8") }];
}

/** The migrations directory in the engine's format (Prisma's `listMigrations`), sorted by name. */
export function readMigrationsList(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): MigrationList {
  const baseDir = path.resolve(migrationsDir);
  const lockfilePath = path.join(baseDir, LOCKFILE);
  const names = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    : [];
  return {
    baseDir,
    lockfile: { path: LOCKFILE, content: existsSync(lockfilePath) ? readFileSync(lockfilePath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: names.map((name) => {
      const file = path.join(baseDir, name, "migration.sql");
      let content: { tag: "ok"; value: string } | { tag: "error"; value: string };
      try {
        content = { tag: "ok", value: readFileSync(file, "utf8") };
      } catch (error) {
        content = { tag: "error", value: error instanceof Error ? error.message : String(error) };
      }
      return { path: name, migrationFile: { path: "migration.sql", content } };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Commands

/**
 * Replays every migration on an empty shadow database and diffs the result against schema.prisma
 * (`prisma migrate diff --from-migrations … --to-schema … --script`). Returns the SQL that a new
 * migration would need, or "" when the migrations and the schema agree. Takes ~3 s.
 */
export async function diffSchemaAgainstMigrations(opts: SchemaDiffOptions = {}): Promise<string> {
  const files = readSchemaFiles(opts.schemaPath);
  const migrationsList = readMigrationsList(opts.migrationsDir);
  return withSchemaEngine(files, async (engine) => {
    const result = await engine.diff({
      from: { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: true, // 2 when the diff is not empty
      filters: NO_FILTER,
    });
    return result.exitCode === 2 ? (result.stdout ?? "") : "";
  });
}

/**
 * Prisma's migration name slug (the `slugify` its CLI applies to `--name`, with `_` as separator),
 * for the names people type: ASCII words, spaces, dashes, camelCase.
 */
export function slugifyMigrationName(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .normalize()
    .replace(/&/g, " and ")
    .replace(/([A-Z]{2,})(\d+)/g, "$1 $2")
    .replace(/([a-z\d]+)([A-Z]{2,})/g, "$1 $2")
    .replace(/([a-z\d])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-rt-z\d]+)/g, "$1 $2")
    .toLowerCase()
    .replace(/([a-z\d]+)'([ts])(\s|$)/g, "$1$2$3")
    .replace(/[^a-z\d]+/g, "_")
    .replace(/_{2,}/g, "_")
    .replace(/^_|_$/g, "")
    .substring(0, 200);
}

export type CreateMigrationResult =
  | { created: false; reason: "no-schema-changes" }
  | {
      created: true;
      /** e.g. `20261124063805_init` */
      name: string;
      directory: string;
      file: string;
      script: string;
      /** Prisma's data-loss warnings for the generated steps (e.g. dropping a column with data). */
      warnings: MigrationFeedback[];
      /** Steps Prisma says cannot run on a database with data (e.g. a required column without default). */
      unexecutableSteps: MigrationFeedback[];
    };

/**
 * `prisma migrate dev --create-only --name <name>` against a throwaway database: replays the existing
 * migrations on a shadow database, diffs them against schema.prisma and, if they differ, writes
 * `<migrationsDir>/<YYYYMMDDHHMMSS>_<name>/migration.sql` with the engine's script, and
 * `migration_lock.toml` if it is missing. Nothing is written when there is no change.
 *
 * `empty: true` writes Prisma's empty draft migration, for SQL the schema cannot express. It refuses
 * while schema.prisma has changes that no migration holds (generate that migration first), so the
 * hand-written migration never mixes with generated statements.
 */
export async function createMigration(
  opts: SchemaDiffOptions & { name: string; empty?: boolean },
): Promise<CreateMigrationResult> {
  const migrationName = slugifyMigrationName(opts.name);
  if (!migrationName) throw new Error(`"${opts.name}" is not a usable migration name (use letters, digits, _ or -).`);
  const files = readSchemaFiles(opts.schemaPath);
  const migrationsList = readMigrationsList(opts.migrationsDir);

  const output = await withSchemaEngine(files, async (engine) => {
    // The sequence of `prisma migrate dev`, on a throwaway main database: apply the migrations, then
    // devDiagnostic replays the applied migrations on a shadow database to check for drift, and caches
    // the schema they produce. evaluateDataLoss and createMigration need that cache: the Wasm engine
    // gives them no shadow database of their own.
    await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    const diagnostic = await engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
    if (diagnostic.action.tag === "reset") {
      throw new Error(`The schema engine cannot create a migration: ${diagnostic.action.reason}`);
    }
    const evaluation = await engine.evaluateDataLoss({ migrationsList, schema: { files }, filters: NO_FILTER });
    if (opts.empty && evaluation.migrationSteps > 0) {
      throw new Error(
        `schema.prisma has ${evaluation.migrationSteps} change(s) that no migration holds yet. Create that migration ` +
          `first (without --empty), then the empty one for your hand-written SQL.`,
      );
    }
    if (!opts.empty && evaluation.migrationSteps === 0) return null;
    const created = await engine.createMigration({
      draft: opts.empty === true,
      migrationName,
      migrationsList,
      schema: { files },
      filters: NO_FILTER,
    });
    return { ...created, evaluation };
  });

  if (output === null || output.migrationScript === null) return { created: false, reason: "no-schema-changes" };

  // Writing, as Prisma's CLI does (packages/migrate/src/utils/createMigration.ts).
  const directory = path.join(migrationsList.baseDir, output.generatedMigrationName);
  if (existsSync(directory)) throw new Error(`The migration directory already exists at ${directory}`);
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `migration.${output.extension}`);
  writeFileSync(file, output.migrationScript, { encoding: "utf8" });
  const lockfile = path.join(migrationsList.baseDir, migrationsList.lockfile.path);
  if (!existsSync(lockfile)) {
    writeFileSync(
      lockfile,
      `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${output.connectorType}"\n`,
      { encoding: "utf8" },
    );
  }
  return {
    created: true,
    name: output.generatedMigrationName,
    directory,
    file,
    script: output.migrationScript,
    warnings: output.evaluation.warnings,
    unexecutableSteps: output.evaluation.unexecutableSteps,
  };
}
