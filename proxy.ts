// Runs before routing, on every page and route (not on static build files).
// 1. A nonce-based Content-Security-Policy per request: scripts run only with this response's nonce
//    (Next puts it on its own scripts when the request carries the CSP header, and every page renders
//    dynamically: app/layout.tsx reads the headers), so an injected inline script never runs. No
//    'unsafe-inline' for scripts; styles keep it (charts set style attributes, which nonces cannot cover).
// 2. Next answers a malformed percent-escape in the path with a plain-text 500; an API client must get
//    the JSON error model instead.
import { NextResponse, type NextRequest } from "next/server";
import { addressBlockedFor } from "@/lib/auth/login-limit";
import { clientAddress } from "@/lib/http/client-address";
import { publicUrl } from "@/lib/urls/public-url";

export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV !== "production"): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");
}

/** Nesting depth of JSON text (brackets outside strings), without parsing it. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") max = Math.max(max, ++depth);
    else if (c === "]" || c === "}") depth--;
  }
  return max;
}

const errorJson = (status: number, code: string, message: string, details?: unknown) =>
  NextResponse.json(
    { error: { code, message, ...(details === undefined ? {} : { details }) } },
    { status, headers: { "cache-control": "no-store" } },
  );

/** The body's text, or null when it is longer than `limit` bytes (read no further than that). */
async function cappedText(req: NextRequest, limit: number): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > limit) return null;
  const reader = req.clone().body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A server action posted by our own client sends its arguments as a JSON array (text/plain). Anything
 * else made Next's decoder throw a 500 (issue 21: 84 of 479 fuzzed calls): a body over 1 MiB gets a 413,
 * and text that is not a JSON array, is absurdly nested or holds a reference string gets a 400 here.
 * Form posts (multipart, progressive enhancement) are only size-checked.
 */
async function malformedActionCall(req: NextRequest): Promise<Response | null> {
  if (req.method !== "POST" || !req.headers.get("next-action")) return null;
  const type = req.headers.get("content-type") ?? "";
  const form = type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded");
  const text = await cappedText(req, ACTION_BODY_LIMIT);
  if (text === null)
    return errorJson(413, "payload_too_large", "A server action's arguments are at most 1 MiB.", {
      limitBytes: ACTION_BODY_LIMIT,
    });
  if (form) return null;
  let ok = false;
  try {
    const args: unknown = jsonDepth(text) <= 64 ? JSON.parse(text) : null;
    ok = Array.isArray(args) && !holdsReference(args);
  } catch {
    ok = false;
  }
  return ok ? null : errorJson(400, "bad_request", "A server action takes its arguments as a JSON array.");
}

/** Next's own limit (next.config.js serverActions.bodySizeLimit, "1mb"), checked before its decoder runs. */
const ACTION_BODY_LIMIT = 1024 * 1024;

/**
 * React's reply decoder reads a string starting with "$" as a reference to another part of the body
 * ("$1", "$Q0", "$@2"…); a JSON body has no other parts, so the decoder throws. Our client escapes a
 * plain "$…" string as "$$…" and encodes only values that need no other part: undefined, NaN, ±0,
 * ±Infinity, dates and big integers.
 */
function holdsReference(value: unknown): boolean {
  if (typeof value === "string") return value.startsWith("$") && !SELF_CONTAINED.test(value);
  if (Array.isArray(value)) return value.some(holdsReference);
  if (value && typeof value === "object") return Object.values(value).some(holdsReference);
  return false;
}
const SELF_CONTAINED = /^\$(\$[\s\S]*|undefined|NaN|Infinity|-Infinity|-0|D[\s\S]*|n-?\d{1,400})$/;

/** A NUL anywhere in the path or a query parameter: PostgreSQL cannot store it (22021), so it is refused. */
function nulInUrl(url: URL): boolean {
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    /* a malformed escape is answered below */
  }
  if (path.includes("\0")) return true;
  for (const [k, v] of url.searchParams) if (k.includes("\0") || v.includes("\0")) return true;
  return false;
}

/**
 * A sign-in from an address that is being slowed down is answered here, as next-auth answers a
 * throttled one, before any of the sign-in pipeline runs: a flood costs the agents' decisions little.
 */
async function throttledSignIn(req: NextRequest, pathname: string): Promise<Response | null> {
  if (req.method !== "POST" || pathname !== "/api/auth/callback/credentials") return null;
  if ((await addressBlockedFor(clientAddress(req.headers))) === 0) return null;
  const to = new URL(publicUrl("/signin"));
  to.searchParams.set("error", "CredentialsSignin");
  to.searchParams.set("code", "rate_limited");
  return NextResponse.redirect(to, 302);
}

export async function proxy(req: NextRequest) {
  const url = new URL(req.url);
  const raw = url.pathname;
  if (nulInUrl(url))
    return errorJson(422, "validation_failed", "The address holds a NUL character, which no parameter may contain.");
  const throttled = await throttledSignIn(req, raw);
  if (throttled) return throttled;
  const refused = await malformedActionCall(req);
  if (refused) return refused;
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce);
  if (raw.startsWith("/api/") || raw.startsWith("/ofrep/")) {
    try {
      decodeURIComponent(raw);
    } catch {
      const error = { code: "bad_request", message: "The path holds a malformed percent-escape." };
      // OFREP clients read errorCode/errorDetails (lib/http/ofrep.ts renders every other OFREP error so).
      const body = raw.startsWith("/ofrep/")
        ? { errorCode: "PARSE_ERROR", errorDetails: error.message, error }
        : { error };
      return NextResponse.json(body, {
        status: 400,
        headers: { "cache-control": "no-store", "content-security-policy": csp },
      });
    }
  }
  const headers = new Headers(req.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", csp);
  return res;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
