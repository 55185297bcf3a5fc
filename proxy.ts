// Runs before routing. Next answers a malformed percent-escape in the path with a plain-text 500;
// an API client must get the JSON error model instead.
import { NextResponse, type NextRequest } from "next/server";

export function proxy(req: NextRequest) {
  const raw = new URL(req.url).pathname;
  try {
    decodeURIComponent(raw);
  } catch {
    return NextResponse.json({ error: { code: "bad_request", message: "The path holds a malformed percent-escape." } }, { status: 400 });
  }
  return NextResponse.next();
}

export const config = { matcher: ["/api/:path*", "/ofrep/:path*"] };
