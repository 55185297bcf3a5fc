// The production server (server.ts on the build in NEXT_DIST_DIR, default .next-bench) as a child process,
// its output going to a log file so the benchmark process does not pay for reading it.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { freePort, kill, SERVER_ARGS, waitForHealth } from "../../tests/helpers/server";

export interface BenchServer {
  baseUrl: string;
  port: number;
  logFile: string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  logTail(): string;
}

export const DIST_DIR = process.env.NEXT_DIST_DIR || ".next-bench";

/**
 * Starts the server with the given environment (PGLITE_DIR or DATABASE_URL) and waits for
 * /api/ready. The API rate limit is lifted (it would cap a load test at 5,000 req/s per key).
 */
export async function startBenchServer(
  env: Record<string, string>,
  logFile: string,
  nodeArgs: string[] = [],
): Promise<BenchServer> {
  const port = await freePort();
  let fd = -1;
  const spawnIt = () => {
    fd = openSync(logFile, "a");
    const child = spawn(process.execPath, [...nodeArgs, ...SERVER_ARGS], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        NEXT_DIST_DIR: DIST_DIR,
        DEMO_AGENT: "off",
        API_RATE_PER_SECOND: "1000000000",
        API_RATE_BURST: "1000000000",
        ...env,
      },
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    return child;
  };
  const tail = () => {
    try {
      return readFileSync(logFile, "utf8").slice(-4000);
    } catch {
      return "";
    }
  };
  const server: BenchServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    logFile,
    process: spawnIt(),
    logTail: tail,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      await kill(server.process, signal);
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
    async start() {
      server.process = spawnIt();
      await waitForHealth(server.baseUrl, server.process, 600_000, tail);
    },
  };
  await waitForHealth(server.baseUrl, server.process, 600_000, tail);
  return server;
}
