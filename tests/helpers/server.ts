// The real production server (server.ts, as `npm start` runs it, on the built app) on a free port
// with a database folder of its own, seeded with the demo. Tests talk to it over HTTP like an agent
// or a browser would.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { DEMO_PASSWORD } from "@/lib/auth/demo-accounts";

export interface TestServer {
  baseUrl: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  logs: () => string;
  stop(): Promise<void>;
  /** restart on the same data folder (same port) */
  restart(): Promise<void>;
}

/** How `npm start` runs the server (node with tsx's loader, one process: its pid is the server's). */
export const SERVER_ARGS = ["--import", "tsx", "server.ts"];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export async function waitForHealth(baseUrl: string, child: ChildProcess, timeoutMs: number, logs: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${logs()}`);
    try {
      const r = await fetch(`${baseUrl}/api/ready`);
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become ready in ${timeoutMs} ms:\n${logs()}`);
}

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  if (!existsSync(path.join(process.env.NEXT_DIST_DIR || ".next", "BUILD_ID")))
    throw new Error("No production build: run `npx next build` first (npm test does).");
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "cwr-server-"));
  let output = "";
  const spawnServer = () => {
    const child = spawn(process.execPath, SERVER_ARGS, {
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        PGLITE_DIR: path.join(dataDir, "pglite"),
        DEMO_AGENT: "off",
        JOBS_INTERVAL_MS: "1000",
        ACCESS_LOG: "off",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    return child;
  };
  const server: TestServer = {
    baseUrl: `http://localhost:${port}`,
    port,
    dataDir,
    process: spawnServer(),
    logs: () => output.slice(-8000),
    async stop() {
      await kill(server.process);
      rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await kill(server.process);
      server.process = spawnServer();
      await waitForHealth(server.baseUrl, server.process, 120_000, server.logs);
    },
  };
  await waitForHealth(server.baseUrl, server.process, 120_000, server.logs);
  return server;
}

export async function kill(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
    await exited;
  }
}

/** Signs in through next-auth's credentials flow; returns the Cookie header of the session. */
export async function signInCookie(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  keep(csrf);
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: baseUrl }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes("session-token")))
    throw new Error(`sign-in as ${email} failed (${res.status})`);
  return cookie();
}

/** Creates an API key for an agent through the admin route, as an admin would. */
export async function createKey(
  baseUrl: string,
  agentSlug: string,
  name = "test",
  scope: "agent" | "reporter" = "agent",
): Promise<string> {
  const cookie = await signInCookie(baseUrl, "admin@demo.local");
  const res = await fetch(`${baseUrl}/api/admin/agents/${agentSlug}/keys`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ name, scope }),
  });
  if (!res.ok) throw new Error(`key creation failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { secret: string }).secret;
}
