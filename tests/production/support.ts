// Helpers of the production tests: a fresh database on the PostgreSQL server at TEST_DATABASE_URL,
// the environment of an app instance on it, an SSE reader, and Prometheus text parsing.
import { randomBytes } from "node:crypto";
import net from "node:net";
import pg from "pg";

export const PG_URL = process.env.TEST_DATABASE_URL;
/** /api/metrics needs a token in production (DATABASE_URL set). */
export const METRICS_TOKEN = "metrics-token-of-the-production-tests";
export const metricsHeaders = { authorization: `Bearer ${METRICS_TOKEN}` };

export interface ScratchDatabase {
  url: string;
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A new, empty database on the test server (the app migrates and seeds it on start). */
export async function scratchDatabase(): Promise<ScratchDatabase> {
  if (!PG_URL) throw new Error("TEST_DATABASE_URL is not set");
  const name = `cwr_prod_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    url,
    async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
      return (await client.query<T>(sql, params)).rows;
    },
    async drop() {
      await client.end().catch(() => {});
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Environment of an app instance on a PostgreSQL server: seeded demo, demo sign-in, fast jobs. */
export function instanceEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    METRICS_TOKEN: METRICS_TOKEN,
    AUTH_SECRET: "production-test-secret-shared-by-every-instance",
    AUTH_CREDENTIALS: "on",
    SEED_ON_START: "on",
    JOBS_INTERVAL_MS: "1000",
    JOBS_LEADER_RETRY_MS: "300",
    DATABASE_POOL_SIZE: "5",
  };
}

export interface SseFrame {
  event: string;
  id?: string;
  data: unknown;
  at: number;
}

export interface SseClient {
  frames: SseFrame[];
  /** resolves with the first frame (already received or future) that matches */
  next(match: (f: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  /** raw text received, comments and `retry:` lines included */
  raw(): string;
  close(): void;
}

/** Opens an SSE stream with fetch and parses its frames as they arrive (arrival time in `at`). */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
  const frames: SseFrame[] = [];
  const waiters: Array<{ match: (f: SseFrame) => boolean; resolve: (f: SseFrame) => void }> = [];
  let text = "";
  let buffer = "";
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const at = performance.now();
        const chunk = decoder.decode(value, { stream: true });
        text += chunk;
        buffer += chunk;
        let i: number;
        while ((i = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          let event = "message";
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("id: ")) id = line.slice(4);
            else if (line.startsWith("data: ")) data.push(line.slice(6));
          }
          if (data.length === 0) continue;
          const frame: SseFrame = { event, id, data: JSON.parse(data.join("\n")), at };
          frames.push(frame);
          for (const w of [...waiters]) {
            if (w.match(frame)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(frame);
            }
          }
        }
      }
    } catch {
      /* aborted or connection lost */
    }
  })();
  return {
    frames,
    ended,
    raw: () => text,
    next(match, timeoutMs = 10_000) {
      const found = frames.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { match, resolve: (f: SseFrame) => (clearTimeout(t), resolve(f)) };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no matching SSE frame within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    close: () => abort.abort(),
  };
}

/** The value of one sample of a Prometheus text exposition (labels as written, e.g. `{a="b"}`). */
export function metric(text: string, name: string): number | null {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    if (line.slice(0, i) === name) return Number(line.slice(i + 1));
  }
  return null;
}

export async function readJson<T>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (${res.status}): ${text.slice(0, 300)}`);
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A TCP proxy in front of PostgreSQL for one instance, whose `deafen()` holds back what the server
 * sends on that instance's LISTEN connection (recognised by its application_name in the startup
 * message) until `hear()`: the instance misses tier notices for a while, as when its LISTEN
 * connection lags, while its queries go through.
 */
export interface ListenerDelayProxy {
  url: string;
  deafen(): void;
  hear(): void;
  close(): Promise<void>;
}

export async function listenerDelayProxy(databaseUrl: string): Promise<ListenerDelayProxy> {
  const target = new URL(databaseUrl);
  let deaf = false;
  const held: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let listener: boolean | null = null;
    client.on("data", (chunk) => {
      listener ??= chunk.includes("cwr-tier-listener");
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (listener && deaf) held.push(() => client.write(chunk));
      else client.write(chunk);
    });
    const end = () => (client.destroy(), upstream.destroy());
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const proxied = new URL(databaseUrl);
  proxied.hostname = "127.0.0.1";
  proxied.port = String((server.address() as net.AddressInfo).port);
  return {
    url: proxied.toString(),
    deafen: () => void (deaf = true),
    hear() {
      deaf = false;
      for (const write of held.splice(0)) write();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
