// Runs before routing. Next answers a malformed percent-escape in the path with a plain-text 500;
// an API client must get the JSON error model instead.
import { NextResponse, type NextRequest } from "next/server";

export function proxy(req: NextRequest) {
  const raw = new URL(req.url).pathname;
  try {
    decodeURIComponent(raw);
  } catch {
    const error = { code: "bad_request", message: "The path holds a malformed percent-escape." };
    // OFREP clients read errorCode/errorDetails (lib/http/ofrep.ts renders every other OFREP error so).
    const body = raw.startsWith("/ofrep/") ? { errorCode: "PARSE_ERROR", errorDetails: error.message, error } : { error };
    return NextResponse.json(body, { status: 400, headers: { "cache-control": "no-store" } });
  }
  return NextResponse.next();
}

export const config = { matcher: ["/api/:path*", "/ofrep/:path*"] };
