import path from "node:path";

export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dir: string };

/** DATABASE_URL set → PostgreSQL server; unset → embedded PGlite in PGLITE_DIR (default .data/pglite). */
export function databaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url) return { kind: "postgres", url };
  return { kind: "pglite", dir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.PGLITE_DIR?.trim() || ".data/pglite") };
}

/** Host and port of a connection string, for error messages that must never print the password. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === "pglite") return `embedded PGlite in ${target.dir}`;
  try {
    const u = new URL(target.url);
    return `PostgreSQL at ${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "PostgreSQL (DATABASE_URL is not a valid URL)";
  }
}
