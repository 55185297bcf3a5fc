// A tiny HTTP server speaking the agent API's wire format, for the SDK's unit tests: it lets a test
// drop connections, answer 5xx/429/401, send malformed data or go silent — things the real server
// does not do on demand. The real server is exercised by tests/sdk.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { MODE_OF, type TierView } from "./types";

export const GOOD_KEY = "cwr_test_key";

export type Failure = { status: number; retryAfter?: string; body?: unknown } | "reset" | "store-then-reset";

export interface TinyApi {
  baseUrl: string;
  port: number;
  tiers: TierView[];
  /** keys the events endpoint has stored, in order */
  stored: string[];
  /** every events request: the keys it carried */
  eventRequests: string[][];
  /** headers of every stream request */
  streamRequests: Record<string, string | string[] | undefined>[];
  tiersRequests: Record<string, string | string[] | undefined>[];
  /** answers for the next events requests (consumed one per request) */
  eventFailures: Failure[];
  /** answers for the next GET /tiers requests */
  tiersFailures: Failure[];
  /** per-event rejection: return a reason to reject it */
  rejectEvent: (event: { idempotencyKey: string; action: string }) => string | null;
  /** max body bytes before 413 */
  maxBody: number;
  validKeys: Set<string>;
  /** send raw text to every open stream */
  broadcast(text: string): void;
  /** a tier_change frame to every open stream, updating `tiers` */
  change(view: TierView, id: string, cause?: string): void;
  closeStreams(): void;
  openStreams(): number;
  stop(): Promise<void>;
  /** listens again on the same port */
  restart(): Promise<void>;
}

function etagOf(tiers: TierView[]) {
  return `"${createHash("sha256").update(JSON.stringify(tiers)).digest("base64url")}"`;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

function fail(req: IncomingMessage, res: ServerResponse, f: Failure): boolean {
  if (f === "reset") {
    req.socket.destroy();
    return true;
  }
  if (f === "store-then-reset") return false;
  sendJson(
    res,
    f.status,
    f.body ?? { error: { code: `http_${f.status}`, message: "scripted failure", details: null } },
    f.retryAfter ? { "retry-after": f.retryAfter } : {},
  );
  return true;
}

export async function startTinyApi(tiers: TierView[] = [], port = 0): Promise<TinyApi> {
  const streams = new Set<ServerResponse>();
  let server: Server;
  const api: TinyApi = {
    baseUrl: "",
    port: 0,
    tiers,
    stored: [],
    eventRequests: [],
    streamRequests: [],
    tiersRequests: [],
    eventFailures: [],
    tiersFailures: [],
    rejectEvent: () => null,
    maxBody: 1024 * 1024,
    validKeys: new Set([GOOD_KEY]),
    broadcast(text) {
      for (const s of streams) s.write(text);
    },
    change(view, id, cause = "automatic_demotion") {
      api.tiers = api.tiers.filter((t) => t.action !== view.action).concat(view);
      api.broadcast(
        `id: ${id}\nevent: tier_change\ndata: ${JSON.stringify({ ...view, cause, changedAt: new Date().toISOString() })}\n\n`,
      );
    },
    closeStreams() {
      for (const s of streams) s.destroy();
      streams.clear();
    },
    openStreams: () => streams.size,
    async stop() {
      api.closeStreams();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    async restart() {
      server = make();
      await new Promise<void>((r) => server.listen(api.port, "127.0.0.1", () => r()));
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization ?? "";
    if (!api.validKeys.has(auth.replace(/^Bearer /, ""))) {
      return sendJson(res, 401, {
        error: { code: "unauthenticated", message: "The API key is unknown or revoked.", details: null },
      });
    }
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "GET" && url.pathname === "/api/v1/tiers") {
      api.tiersRequests.push(req.headers);
      const f = api.tiersFailures.shift();
      if (f && fail(req, res, f)) return;
      const etag = etagOf(api.tiers);
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, { etag });
        return res.end();
      }
      return sendJson(res, 200, { agent: "tiny", tiers: api.tiers, generatedAt: new Date().toISOString() }, { etag });
    }
    if (req.method === "GET" && url.pathname === "/api/v1/tiers/stream") {
      api.streamRequests.push(req.headers);
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
      res.write("retry: 20\n\n");
      if (!req.headers["last-event-id"])
        res.write(`event: snapshot\ndata: ${JSON.stringify({ tiers: api.tiers, at: new Date().toISOString() })}\n\n`);
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }
    if (req.method === "POST" && url.pathname === "/api/v1/events") {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      const failure = api.eventFailures.shift();
      if (raw.length > api.maxBody)
        return sendJson(res, 413, { error: { code: "payload_too_large", message: "too large", details: null } });
      const body = JSON.parse(raw.toString("utf8")) as { events: Array<{ idempotencyKey: string; action: string }> };
      api.eventRequests.push(body.events.map((e) => e.idempotencyKey));
      if (failure && fail(req, res, failure)) return;
      const results = body.events.map((e, index) => {
        const reason = api.rejectEvent(e);
        if (reason) return { index, idempotencyKey: e.idempotencyKey, status: "rejected", reason };
        if (api.stored.includes(e.idempotencyKey))
          return { index, idempotencyKey: e.idempotencyKey, status: "duplicate" };
        api.stored.push(e.idempotencyKey);
        return { index, idempotencyKey: e.idempotencyKey, status: "accepted" };
      });
      if (failure === "store-then-reset") return req.socket.destroy();
      const count = (s: string) => results.filter((r) => r.status === s).length;
      return sendJson(res, 200, {
        accepted: count("accepted"),
        duplicates: count("duplicate"),
        rejected: count("rejected"),
        results,
      });
    }
    sendJson(res, 404, { error: { code: "not_found", message: "no route", details: null } });
  };

  const make = () =>
    createServer((req, res) => {
      handle(req, res).catch(() => res.destroy());
    });
  server = make();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  api.port = (server.address() as AddressInfo).port;
  api.baseUrl = `http://127.0.0.1:${api.port}`;
  return api;
}

export function view(action: string, tier: TierView["tier"], extra: Partial<TierView> = {}): TierView {
  const mode = MODE_OF[tier];
  return {
    action,
    name: action,
    tier,
    mode,
    frozen: false,
    tierSince: "2026-01-01T00:00:00.000Z",
    policyVersion: 1,
    ...extra,
  };
}

/**
 * Waits for a condition the test cannot await as an event. The bound only detects one that never comes; it is
 * generous because CI runners are loaded, and never a timing claim (those are benchmark rows).
 */
export async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
