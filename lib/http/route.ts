// The one wrapper for every JSON route (/api/v1, /ofrep/v1, dashboard data): the caller (the agent of
// an API key, or the signed-in user: ctx.agent or ctx.user, as `auth` says), role, zod for
// params/query/body, body limits, per-key rate limit, the one error body, request id and access log.
// No raw exception text ever leaves the server.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { getDb, type Db } from "@/lib/db";
import { authenticateApiKey, cachedApiKey, type KeyPrincipal } from "@/lib/keys/data";
import { can, type Permission } from "@cwr/gating/permissions";
import { keyMayUse, keyUseRefusal, type KeyUse } from "@cwr/gating/evidence-source";
import type { SessionUser } from "@/lib/auth/session";
import { AppError, toAppError } from "@/lib/errors";
import { httpStatus } from "./errors";
import { readJsonBody } from "./body";
import { zodDetails, zodError } from "@/lib/errors/zod";
import { apiLimiter } from "./rate-limit";
import { log, logError } from "@/lib/log";
import { recordRequest } from "./metrics";

export type Auth = "key" | "session" | "public";

/** Who calls, by the route's `auth`: a key route knows its agent, a session route its user, a public route no one. */
export interface Callers {
  key: { agent: KeyPrincipal };
  session: { user: SessionUser };
  public: Record<never, never>;
}

export type RouteContext<A extends Auth, P, Q, B> = Callers[A] & {
  req: Request;
  db: Db;
  params: P;
  query: Q;
  body: B;
  requestId: string;
};

export interface RouteSpec<A extends Auth, P, Q, B> {
  /** e.g. "POST /api/v1/decisions": logs and metrics */
  name: string;
  auth: A;
  /** checked against the signed-in user's role (session routes only: a key's scope is its agent) */
  permission?: A extends "session" ? Permission : never;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** what a key route is for (default read): a reporter key may only `report` */
  keyUse?: A extends "key" ? KeyUse : never;
  /** OFREP answers errors in its own shape */
  renderError?: (error: AppError, req: Request, params: Record<string, string | string[]>) => Response;
  handler: (ctx: RouteContext<A, P, Q, B>) => Promise<Response | object>;
}

type NextCtx = { params: Promise<Record<string, string | string[]>> };

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cache-control", headers.get("cache-control") ?? "no-store");
  return new Response(JSON.stringify(body), { ...init, headers });
}

/** The Retry-After header a refusal carries (a 429's wait, a 503's), if any. */
export function retryAfterOf(error: AppError): string | undefined {
  const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
  const status = httpStatus(error);
  return (status === 429 || status === 503) && seconds ? String(seconds) : undefined;
}

export function errorResponse(error: AppError, extra: HeadersInit = {}): Response {
  const headers = new Headers(extra);
  const retryAfter = retryAfterOf(error);
  if (retryAfter) headers.set("retry-after", retryAfter);
  return json(error.toBody(), { status: httpStatus(error), headers });
}

function bearer(header: string | null | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new AppError("unauthenticated", "The Authorization header must be `Bearer <api key>`.");
  return m[1]!;
}

/** The agent behind an `Authorization: Bearer <key>` header, after the key's rate limit (401 / 429 otherwise). */
export async function authenticateBearer(
  db: Db,
  authorization: string | null | undefined,
  use: KeyUse = "read",
): Promise<KeyPrincipal> {
  const secret = bearer(authorization);
  if (!secret) throw new AppError("unauthenticated", "Send your API key as `Authorization: Bearer <key>`.");
  const key = cachedApiKey(secret, Date.now(), db) ?? (await authenticateApiKey(db, secret));
  if (!key) throw new AppError("unauthenticated", "The API key is unknown or revoked.");
  return admitKey(key, use);
}

/**
 * authenticateBearer without waiting, for a key this process remembers (lib/keys/data.ts); undefined
 * when the key must be read (then authenticateBearer answers). Refuses exactly as authenticateBearer does.
 */
export function rememberedBearer(
  db: Db,
  authorization: string | null | undefined,
  use: KeyUse = "read",
): KeyPrincipal | undefined {
  const secret = bearer(authorization);
  const key = secret ? cachedApiKey(secret, Date.now(), db) : undefined;
  return key && admitKey(key, use);
}

function admitKey(key: KeyPrincipal, use: KeyUse): KeyPrincipal {
  const limit = apiLimiter().take(key.keyId);
  if (!limit.ok)
    throw new AppError("rate_limited", "Too many requests for this key; slow down.", {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  if (!keyMayUse(key.scope, use)) throw new AppError("forbidden", keyUseRefusal(key.scope), { scope: key.scope });
  return key;
}

async function sessionUser(permission: Permission | undefined): Promise<SessionUser> {
  const { currentUser } = await import("@/lib/auth/session");
  const user = await currentUser();
  if (!user) throw new AppError("unauthenticated", "Sign in first.");
  if (permission && !can(user.role, permission))
    throw new AppError("forbidden", `Your role (${user.role}) may not do this.`);
  return user;
}

const callerOf: {
  [A in Auth]: (req: Request, db: Db, permission?: Permission, use?: KeyUse) => Promise<Callers[A]>;
} = {
  key: async (req, db, _permission, use) => ({
    agent: await authenticateBearer(db, req.headers.get("authorization"), use),
  }),
  session: async (_req, _db, permission) => ({ user: await sessionUser(permission) }),
  public: async () => ({}),
};

export function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) {
    if (where === "body") throw zodError(r.error, "The body is not valid.");
    const code = where === "path" ? "not_found" : where === "query" ? "bad_request" : "validation_failed";
    throw new AppError(
      code,
      where === "path" ? "No such resource: the path is not valid." : `The ${where} is not valid.`,
      zodDetails(r.error),
    );
  }
  return r.data;
}

function decodeParams(raw: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(raw)) {
    try {
      out[k] = Array.isArray(v) ? v.map((s) => decodeURIComponent(s)) : decodeURIComponent(v);
    } catch {
      throw new AppError("bad_request", "The path holds a malformed percent-escape.");
    }
  }
  return out;
}

/**
 * One JSON line per request. On by default in production (DATABASE_URL set); off on the embedded demo,
 * whose simulated agents would flood the console, and under vitest. ACCESS_LOG=on|off decides.
 */
export const accessLog = () =>
  (process.env.ACCESS_LOG ?? (process.env.NODE_ENV === "test" || !process.env.DATABASE_URL ? "off" : "on")) !== "off";

export function route<A extends Auth, P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<A, P, Q, B>) {
  return async (req: Request, ctx?: NextCtx): Promise<Response> => {
    const started = performance.now();
    const requestId = req.headers.get("x-request-id")?.slice(0, 64) || randomUUID();
    let rawParams: Record<string, string | string[]> = {};
    let response: Response;
    try {
      rawParams = (await ctx?.params) ?? {};
      const db = await getDb();
      const caller = await callerOf[spec.auth](req, db, spec.permission, spec.keyUse);
      const params = parsePart(spec.params, decodeParams(rawParams), "path");
      const query = parsePart(spec.query, Object.fromEntries(new URL(req.url).searchParams), "query");
      const body = spec.body ? parsePart(spec.body, await readJsonBody(req), "body") : (undefined as B);
      const result = await spec.handler({ ...caller, req, db, params, query, body, requestId });
      response = result instanceof Response ? result : json(result);
    } catch (e) {
      const err = toAppError(e);
      if (httpStatus(err) >= 500) logError(`${spec.name} failed`, e, { requestId });
      response = spec.renderError ? spec.renderError(err, req, rawParams) : errorResponse(err);
    }
    response.headers.set("x-request-id", requestId);
    const ms = performance.now() - started;
    recordRequest(spec.name, response.status, ms);
    if (accessLog())
      log("info", "request", { requestId, route: spec.name, status: response.status, ms: Math.round(ms * 10) / 10 });
    return response;
  };
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Method = (typeof METHODS)[number];
type Handler = (req: Request, ctx: NextCtx) => Promise<Response>;

/** Every HTTP method of a route file: the given handlers, and a JSON 405 (with Allow) for the rest. */
export function methods(handlers: Partial<Record<Method, Handler>>): Record<Method, Handler> {
  const allow = Object.keys(handlers).join(", ");
  const notAllowed: Handler = async (req) =>
    errorResponse(new AppError("method_not_allowed", `${req.method} is not allowed here; use ${allow}.`), { allow });
  return Object.fromEntries(METHODS.map((m) => [m, handlers[m] ?? notAllowed])) as Record<Method, Handler>;
}

/** JSON 404 for paths no route serves (catch-all route files). */
export const notFoundRoute: Handler = async (req) =>
  errorResponse(new AppError("not_found", `No route ${req.method} ${new URL(req.url).pathname}.`));
