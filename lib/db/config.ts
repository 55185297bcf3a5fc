import path from "node:path";

/**
 * PostgreSQL: `url` is the app's runtime role; `ownerUrl` (DATABASE_OWNER_URL), when given, the role
 * that owns the tables and runs the migrations. Then the app may only INSERT and SELECT the audit
 * log (SPEC §2 Audit entry): nobody who holds the app's credentials can rewrite history.
 */
export type DatabaseTarget = { kind: "postgres"; url: string; ownerUrl?: string } | { kind: "pglite"; dir: string };

/** DATABASE_URL set → PostgreSQL server; unset → embedded PGlite in PGLITE_DIR (default .data/pglite). */
export function databaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  const ownerUrl = env.DATABASE_OWNER_URL?.trim();
  if (url) return ownerUrl ? { kind: "postgres", url, ownerUrl } : { kind: "postgres", url };
  return {
    kind: "pglite",
    dir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.PGLITE_DIR?.trim() || ".data/pglite"),
  };
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
