// The node:http front of the agent's read routes: it answers decisions, tiers, OFREP and both event
// streams (the SDK's tier stream and OFREP's) itself, without Next's per-request pipeline, and leaves
// every other request to Next. Same key authentication and rate limit (authenticateBearer), same zod
// schemas and error bodies, same metrics; the access log is sampled (ACCESS_LOG_SAMPLE, default every
// 100th success; every refusal is logged). Paths it cannot read as one of its own (traversal, trailing
// slash, an encoded "/") go to Next, which answers them as before.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getDb, openedDb, type Db } from "@/lib/db";
import { activeKeyIds, type KeyPrincipal } from "@/lib/keys/data";
import { log, logError } from "@/lib/log";
import { AppError, toAppError } from "@/lib/errors";
import { httpStatus } from "./errors";
import { readNodeJsonBody } from "./body";
import { parseHotBody } from "./hot-bodies";
import { apiLimiter } from "./rate-limit";
import { recordRequest } from "./metrics";
import { accessLog, authenticateBearer, parsePart, rememberedBearer, retryAfterOf } from "./route";
import { ofrepErrorBody } from "./ofrep";
import {
  AGENT_ROUTES,
  bulkEtag,
  OFREP_STREAM_PATH,
  TIER_STREAM_PATH,
  type AgentRoute,
  type Answer,
} from "./agent-routes";
import { serveOfrepStream } from "./ofrep-stream";
import { EVENT_STREAM_HEADERS, serveTierStream } from "./sse";
import { verifyStreamToken } from "./stream-token";

/** Headers every answer of the front carries (Next adds the same through next.config.js). */
const BASE_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
} as const;

const ACCESS_LOG = accessLog();
const SAMPLE_EVERY = Math.max(1, Number(process.env.ACCESS_LOG_SAMPLE ?? 100) || 1);
let successes = 0;

/** The two event streams the front serves itself: OFREP's (a signed URL) and the SDK's tier stream (a key). */
type StreamRoute = "stream" | "tierStream";

interface Match {
  route: AgentRoute | StreamRoute;
  /** the raw (still percent-encoded) path parameter */
  rawParam?: string;
  query: string;
}

/** The route a raw request target belongs to, or null when Next should answer it. */
export function matchAgentRoute(target: string): Match | null {
  // An absolute-form target (`POST http://host/api/v1/decisions`, from some proxies) is its path.
  const url = target.startsWith("/") ? target : absolutePath(target);
  if (url === null) return null;
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q + 1);
  if (path === "/api/v1/decisions") return { route: AGENT_ROUTES.decisions, query };
  if (path === "/api/v1/tiers") return { route: AGENT_ROUTES.tiers, query };
  if (path === "/ofrep/v1/evaluate/flags") return { route: AGENT_ROUTES.ofrepFlags, query };
  if (path === OFREP_STREAM_PATH) return { route: "stream", query };
  if (path === TIER_STREAM_PATH) return { route: "tierStream", query };
  const one = (prefix: string, route: AgentRoute): Match | null => {
    if (!path.startsWith(prefix)) return null;
    const rawParam = path.slice(prefix.length);
    if (!rawParam || rawParam.includes("/") || rawParam === "." || rawParam === "..") return null;
    return { route, rawParam, query };
  };
  return one("/api/v1/tiers/", AGENT_ROUTES.tier) ?? one("/ofrep/v1/evaluate/flags/", AGENT_ROUTES.ofrepFlag);
}

function absolutePath(target: string): string | null {
  try {
    const u = new URL(target);
    return u.protocol === "http:" || u.protocol === "https:" ? u.pathname + u.search : null;
  } catch {
    return null;
  }
}

/** A decoded path parameter; undefined when it decodes to something only Next can route ("/", "."). */
function decodeParam(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new AppError("bad_request", "The path holds a malformed percent-escape.");
  }
  return decoded.includes("/") || decoded === "." || decoded === ".." ? undefined : decoded;
}

function write(res: ServerResponse, answer: Answer, requestId: string) {
  const headers: Record<string, string> = {
    "x-content-type-options": BASE_HEADERS["x-content-type-options"],
    "x-frame-options": BASE_HEADERS["x-frame-options"],
    "referrer-policy": BASE_HEADERS["referrer-policy"],
    "content-security-policy": BASE_HEADERS["content-security-policy"],
    "x-request-id": requestId,
  };
  if (answer.headers) for (const name in answer.headers) headers[name] = answer.headers[name]!;
  if (answer.body !== undefined) {
    headers["content-type"] = "application/json; charset=utf-8";
    headers["cache-control"] ??= "no-store";
    headers["content-length"] = String(Buffer.byteLength(answer.body));
  }
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

function errorAnswer(
  error: AppError,
  route: AgentRoute | StreamRoute,
  rawParam: string | undefined,
  allow: string,
): Answer {
  const body = typeof route === "object" && route.ofrep ? ofrepErrorBody(error, rawParam) : error.toBody();
  const headers: Record<string, string> = {};
  const retryAfter = retryAfterOf(error);
  if (retryAfter) headers["retry-after"] = retryAfter;
  if (error.code === "method_not_allowed") headers.allow = allow;
  return { status: httpStatus(error), body: JSON.stringify(body), headers };
}

const zodOnly = () => undefined;

/** Called once with the request's answer (null: a stream answered it itself). */
type Reply = (answer: Answer | null, error?: unknown) => void;

/** Replies with an answer or, once it settles, a promised one (a rejection replies as an error). */
function settle(result: Answer | Promise<Answer | null> | null, reply: Reply): void {
  if (result instanceof Promise) result.then(reply, (e: unknown) => reply(null, e ?? new Error("rejected")));
  else reply(result);
}

/**
 * The route's answer, without a promise when the key and the agent's tiers are remembered: a promise
 * per request costs more than the rest of a decision (every async hook of the process runs for it).
 */
function run(
  route: AgentRoute,
  req: IncomingMessage,
  db: Db,
  rawParam: string | undefined,
  query: string,
  reply: Reply,
): void {
  const key = rememberedBearer(db, req.headers.authorization);
  if (key) return withKey(route, req, db, key, rawParam, query, reply);
  authenticateBearer(db, req.headers.authorization).then(
    (k) => {
      try {
        withKey(route, req, db, k, rawParam, query, reply);
      } catch (e) {
        reply(null, e);
      }
    },
    (e: unknown) => reply(null, e),
  );
}

function withKey(
  route: AgentRoute,
  req: IncomingMessage,
  db: Db,
  key: KeyPrincipal,
  rawParam: string | undefined,
  query: string,
  reply: Reply,
): void {
  let param: string | undefined;
  if (route.param) {
    const decoded = decodeParam(rawParam!);
    param = parsePart(route.param.schema, { [route.param.name]: decoded }, "path")[route.param.name];
  }
  const schema = route.body;
  if (!schema) return settle(route.handle({ req, db, key, param, body: undefined, query }), reply);
  readNodeJsonBody(req, (error, raw) => {
    if (error) return reply(null, error);
    try {
      const body = parseHotBody(schema, route.fastBody ?? zodOnly, raw);
      settle(route.handle({ req, db, key, param, body, query }), reply);
    } catch (e) {
      reply(null, e);
    }
  });
}

async function stream(
  req: IncomingMessage,
  res: ServerResponse,
  db: Db,
  query: string,
  requestId: string,
): Promise<Answer | null> {
  const grant = verifyStreamToken(new URLSearchParams(query).get("token"));
  if (!grant || !(await activeKeyIds(db, [grant.keyId])).has(grant.keyId)) {
    throw new AppError(
      "unauthenticated",
      "The stream token is missing, invalid, expired or its key revoked; fetch the bulk evaluation for a fresh stream URL.",
    );
  }
  // Opening a stream counts against the key's rate limit like any request.
  const limit = apiLimiter().take(grant.keyId);
  if (!limit.ok)
    throw new AppError("rate_limited", "Too many requests for this key; slow down.", {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  const headers = { ...BASE_HEADERS, "x-request-id": requestId };
  if (req.method === "HEAD") return headOfStream(headers);
  await serveOfrepStream(res, db, grant, bulkEtag, headers);
  return null;
}

/** HEAD on an event stream: its headers, then the end (a held-open answer would stall a kept-alive socket). */
const headOfStream = (headers: Record<string, string>): Answer => ({
  status: 200,
  headers: { ...headers, ...EVENT_STREAM_HEADERS },
});

/** GET /api/v1/tiers/stream: the key as on every agent route (401, 403 for a reporter key, 429), then the stream. */
async function tierStream(
  req: IncomingMessage,
  res: ServerResponse,
  db: Db,
  requestId: string,
): Promise<Answer | null> {
  const key = await authenticateBearer(db, req.headers.authorization);
  const headers = { ...BASE_HEADERS, "x-request-id": requestId };
  if (req.method === "HEAD") return headOfStream(headers);
  const lastEventId = req.headers["last-event-id"];
  serveTierStream(res, db, key.agentId, typeof lastEventId === "string" ? lastEventId : null, key.keyId, headers);
  return null;
}

/** Answers the request when it is one of the agent's read routes; false hands it to Next. */
export function serveAgentRead(req: IncomingMessage, res: ServerResponse): boolean {
  const match = matchAgentRoute(req.url ?? "/");
  if (!match) return false;
  void answer(req, res, match);
  return true;
}

function answer(req: IncomingMessage, res: ServerResponse, match: Match) {
  const started = performance.now();
  const requestId = (req.headers["x-request-id"] as string | undefined)?.slice(0, 64) || randomUUID();
  const { route, rawParam, query } = match;
  let replied = false;
  const reply: Reply = (result, error) => {
    if (replied) return; // an error thrown while answering must not answer a second time
    replied = true;
    finish(res, match, requestId, started, error === undefined ? result : failed(error, match, requestId));
  };
  try {
    const allowed = typeof route === "string" ? "GET" : route.method;
    const method = req.method === "HEAD" ? "GET" : req.method;
    if (method !== allowed)
      throw new AppError("method_not_allowed", `${req.method} is not allowed here; use ${allowed}.`);
    const db = typeof route === "string" ? undefined : openedDb();
    if (db) run(route as AgentRoute, req, db, rawParam, query, reply);
    else
      settle(
        getDb().then((d) =>
          route === "stream"
            ? stream(req, res, d, query, requestId)
            : route === "tierStream"
              ? tierStream(req, res, d, requestId)
              : new Promise<Answer | null>((resolve, reject) =>
                  run(route, req, d, rawParam, query, (r, e) => (e === undefined ? resolve(r) : reject(e))),
                ),
        ),
        reply,
      );
  } catch (e) {
    reply(null, e);
  }
}

const nameOf = (route: Match["route"]) =>
  route === "stream" ? `GET ${OFREP_STREAM_PATH}` : route === "tierStream" ? `GET ${TIER_STREAM_PATH}` : route.name;

function failed(e: unknown, { route, rawParam }: Match, requestId: string): Answer {
  const err = toAppError(e);
  if (httpStatus(err) >= 500) logError(`${nameOf(route)} failed`, e, { requestId });
  return errorAnswer(err, route, rawParam, typeof route === "string" ? "GET" : route.method);
}

function finish(res: ServerResponse, { route }: Match, requestId: string, started: number, result: Answer | null) {
  const status = result ? result.status : 200;
  if (result) {
    if (res.headersSent) res.destroy();
    else write(res, result, requestId);
  }
  const ms = performance.now() - started;
  const name = nameOf(route);
  recordRequest(name, status, ms);
  if (ACCESS_LOG && (status >= 400 || ++successes % SAMPLE_EVERY === 0)) {
    log("info", "request", {
      requestId,
      route: name,
      status,
      ms: Math.round(ms * 10) / 10,
      ...(status < 400 && SAMPLE_EVERY > 1 ? { sampledOneIn: SAMPLE_EVERY } : {}),
    });
  }
}
