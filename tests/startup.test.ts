// Bad configuration stops the start with one clear message, and changes nothing.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { applyMigrations } from "@/lib/db/migrator";
import { pgliteExecutor } from "@/lib/db/sql";
import { freePort, SERVER_ARGS } from "./helpers/server";

async function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, SERVER_ARGS, {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DEMO_AGENT: "off", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  return { code, output };
}

const message = (output: string) =>
  output
    .split("\n")
    .filter((l) => l.includes("cannot start"))
    .join("\n");

describe("start-up with bad configuration", () => {
  it("an unusable PGLITE_DIR stops the start with one clear line", async () => {
    const { code, output } = await start({ PGLITE_DIR: "/dev/null/pglite" });
    expect(code).toBe(1);
    expect(message(output)).toMatch(/cannot start: PGLITE_DIR \/dev\/null\/pglite cannot be created or written/);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  }, 90_000);

  it("PostgreSQL mode without AUTH_SECRET stops the start with one clear line (it used to report ready, then answer 500)", async () => {
    const { code, output } = await start({ DATABASE_URL: "postgres://app:s3cret-pw@127.0.0.1:1/cwr", AUTH_SECRET: "" });
    expect(code).toBe(1);
    expect(message(output)).toMatch(/cannot start: AUTH_SECRET must be set when DATABASE_URL is set/);
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain("s3cret-pw");
  }, 90_000);

  it("an unreachable DATABASE_URL stops the start without printing the password", async () => {
    const { code, output } = await start({
      DATABASE_URL: "postgres://app:s3cret-pw@127.0.0.1:1/cwr",
      AUTH_SECRET: "x".repeat(32),
    });
    expect(code).toBe(1);
    expect(message(output)).toMatch(/cannot start: Cannot reach PostgreSQL at 127\.0\.0\.1:1\/cwr/);
    expect(output).not.toContain("s3cret-pw");
  }, 90_000);

  it("a database with a failed migration is refused and left as it was", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-failed-"));
    const dataDir = path.join(dir, "pglite");
    try {
      const db = await PGlite.create(dataDir);
      await applyMigrations(pgliteExecutor(db));
      await db.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('00000000-0000-0000-0000-000000000099', 'x', '29990101000000_broken', now(), 0)`,
      );
      const before = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM _prisma_migrations")).rows[0]!.n;
      await db.close();

      const { code, output } = await start({ PGLITE_DIR: dataDir });
      expect(code).toBe(1);
      expect(message(output)).toMatch(/cannot start: Migrations on embedded PGlite .* failed: .*29990101000000_broken/);

      const again = await PGlite.create(dataDir);
      expect((await again.query<{ n: number }>("SELECT count(*)::int AS n FROM _prisma_migrations")).rows[0]!.n).toBe(
        before,
      );
      expect((await again.query<{ n: number }>("SELECT count(*)::int AS n FROM agents")).rows[0]!.n).toBe(0); // not seeded
      await again.close();
      expect(readdirSync(dataDir)).not.toContain("cwr.lock");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
