// Pages while the database cannot be reached: a short 503 page in plain words (no stack, no
// internals), with Retry-After, instead of a page that fails to render. API routes answer the JSON
// error model themselves (lib/errors: `unavailable`, 503 with Retry-After).
import type { IncomingMessage, ServerResponse } from "node:http";
import { databaseAvailable } from "@/lib/db/availability";
import { DATABASE_RETRY_AFTER_SECONDS } from "@/lib/errors";

/** Paths that are not pages: the JSON API, OFREP, Next's own files, public assets. */
const NOT_A_PAGE = /^\/(api|ofrep|_next)(\/|$)|\.[a-z0-9]+$/i;

export const UNAVAILABLE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Database unavailable · Crawl · Walk · Run</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="${DATABASE_RETRY_AFTER_SECONDS * 3}">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}</style>
</head><body><main role="alert">
<h1>The database is unavailable right now</h1>
<p>Crawl · Walk · Run cannot reach its database, so this page cannot be shown. Nothing was changed.</p>
<p>This usually lasts a few seconds (a restart or a failover). The page reloads by itself; agents keep
answering from the tiers they already hold.</p>
</main></body></html>
`;

function isPage(req: IncomingMessage): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const path = (req.url ?? "/").split("?")[0]!;
  return !NOT_A_PAGE.test(path);
}

/** Answers a page request with the 503 page when the database is down; false: not answered, go on. */
export async function answerIfDatabaseDown(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (!isPage(req) || (await databaseAvailable())) return false;
  res.writeHead(503, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "retry-after": String(DATABASE_RETRY_AFTER_SECONDS),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(req.method === "HEAD" ? undefined : UNAVAILABLE_PAGE);
  return true;
}
