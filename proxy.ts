// Runs before routing, on every page and route (not on static build files).
// 1. A nonce-based Content-Security-Policy per request: scripts run only with this response's nonce
//    (Next puts it on its own scripts when the request carries the CSP header, and every page renders
//    dynamically: app/layout.tsx reads the headers), so an injected inline script never runs. No
//    'unsafe-inline' for scripts; styles keep it (charts set style attributes, which nonces cannot cover).
// 2. Next answers a malformed percent-escape in the path with a plain-text 500; an API client must get
//    the JSON error model instead.
import { NextResponse, type NextRequest } from "next/server";

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

export function proxy(req: NextRequest) {
  const raw = new URL(req.url).pathname;
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce);
  if (raw.startsWith("/api/") || raw.startsWith("/ofrep/")) {
    try {
      decodeURIComponent(raw);
    } catch {
      const error = { code: "bad_request", message: "The path holds a malformed percent-escape." };
      // OFREP clients read errorCode/errorDetails (lib/http/ofrep.ts renders every other OFREP error so).
      const body = raw.startsWith("/ofrep/") ? { errorCode: "PARSE_ERROR", errorDetails: error.message, error } : { error };
      return NextResponse.json(body, { status: 400, headers: { "cache-control": "no-store", "content-security-policy": csp } });
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
