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

/**
 * A server action posted by our own client sends its arguments as a JSON array (text/plain). Anything
 * else (not JSON, not an array, absurdly nested) made Next's decoder throw a 500: it gets a 400 here.
 * Form posts (multipart, progressive enhancement) go through untouched.
 */
async function malformedActionCall(req: NextRequest): Promise<Response | null> {
  if (req.method !== "POST" || !req.headers.get("next-action")) return null;
  const type = req.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded")) return null;
  const text = await req.clone().text();
  let ok = false;
  try {
    ok = jsonDepth(text) <= 64 && Array.isArray(JSON.parse(text));
  } catch {
    ok = false;
  }
  return ok
    ? null
    : NextResponse.json(
        { error: { code: "bad_request", message: "A server action takes its arguments as a JSON array." } },
        { status: 400, headers: { "cache-control": "no-store" } },
      );
}

/**
 * A sign-in from an address that is being slowed down is answered here, as next-auth answers a
 * throttled one, before any of the sign-in pipeline runs: a flood costs the agents' decisions little.
 */
function throttledSignIn(req: NextRequest, pathname: string): Response | null {
  if (req.method !== "POST" || pathname !== "/api/auth/callback/credentials") return null;
  if (addressBlockedFor(clientAddress(req.headers)) === 0) return null;
  const to = new URL("/signin", req.url);
  to.searchParams.set("error", "CredentialsSignin");
  to.searchParams.set("code", "rate_limited");
  return NextResponse.redirect(to, 302);
}

export async function proxy(req: NextRequest) {
  const raw = new URL(req.url).pathname;
  const throttled = throttledSignIn(req, raw);
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
