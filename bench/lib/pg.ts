// A private PostgreSQL server for the benchmark: a fresh cluster in a temp folder on 127.0.0.1 and a
// free port, with PostgreSQL's default durability (fsync and synchronous_commit on — unlike the test
// server in scripts/pg-test-server.sh, which turns them off), so commit costs are the real ones.
// As root the cluster runs as the `postgres` user (initdb refuses root).
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../tests/helpers/server";

export interface PgServer {
  url: string;
  dir: string;
  /** server version, e.g. "15.18" */
  version: string;
  stop(): void;
}

function binDir(): string | null {
  if (process.env.PG_BIN && existsSync(path.join(process.env.PG_BIN, "initdb"))) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

/** null when no PostgreSQL binaries are installed (`apt-get install -y postgresql`). */
export async function startPostgres(): Promise<PgServer | null> {
  const bin = binDir();
  if (!bin) return null;
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? "runuser" : cmd, asRoot ? ["-u", "postgres", "--", cmd, ...args] : args, {
      stdio: ["ignore", "pipe", "pipe"],
    }).toString();
  const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-bench-pg-"));
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  run(path.join(bin, "initdb"), ["-D", path.join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
  const opts = [
    `-c listen_addresses=127.0.0.1`,
    `-p ${port}`,
    `-k ${dir}`,
    `-c max_connections=200`,
    `-c shared_buffers=256MB`,
  ].join(" ");
  run(path.join(bin, "pg_ctl"), [
    "-D",
    path.join(dir, "data"),
    "-l",
    path.join(dir, "log"),
    "-w",
    "-t",
    "60",
    "-o",
    opts,
    "start",
  ]);
  const version = run(path.join(bin, "postgres"), ["--version"])
    .trim()
    .replace(/^.*\) /, "");
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    version,
    stop() {
      try {
        run(path.join(bin, "pg_ctl"), ["-D", path.join(dir, "data"), "-m", "fast", "-w", "stop"]);
      } catch {
        /* already stopped */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
