// A private PostgreSQL server of one test file (scripts/pg-test-server.sh), which that test may restart
// or take down: never the shared TEST_DATABASE_URL one. Run without blocking the event loop, so the
// instances and clients of the test keep running while the server goes down and comes back.
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";

const SCRIPT = "scripts/pg-test-server.sh";

/** With the PostgreSQL tests (TEST_DATABASE_URL), and only where a private server can be started. */
export const privatePgAvailable = (): boolean =>
  !!process.env.TEST_DATABASE_URL && spawnSync("bash", [SCRIPT, "available"]).status === 0;

export const PRIVATE_PG_SKIP_REASON =
  "needs TEST_DATABASE_URL (the PostgreSQL pass) and PostgreSQL's binaries (initdb, pg_ctl) for a private server";

async function run(...args: string[]): Promise<string> {
  return (await promisify(execFile)("bash", [SCRIPT, ...args], { encoding: "utf8" })).stdout.trim();
}

export interface PrivatePg {
  url: string;
  /** `pg_ctl restart -m fast`: every session ends; resolves once it accepts connections again */
  restart(): Promise<void>;
  /** `pg_ctl stop -m fast`, the data kept */
  down(): Promise<void>;
  /** starts it again after down(), on the same port */
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivatePg(): Promise<PrivatePg> {
  const [url, dir] = (await run("start")).split(" ") as [string, string];
  return {
    url,
    restart: async () => void (await run("restart", dir)),
    down: async () => void (await run("down", dir)),
    up: async () => void (await run("up", dir)),
    stop: async () => void (await run("stop", dir)),
  };
}
