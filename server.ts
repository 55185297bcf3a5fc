// The server entry (`npm start`, `npm run dev`, the tests, the benchmark): one node:http server per
// process. The agent's read routes (decisions, tiers, OFREP and its event stream) are answered by
// lib/http/front.ts without Next's per-request pipeline; every other request goes to Next.
//
//   node --import tsx server.ts [--dev]
//
// PORT (default 3000). HOST: the address to listen on — 127.0.0.1 by default on the embedded
// database (its demo passwords are public), 0.0.0.0 with DATABASE_URL (a deployment behind a load
// balancer). Slow clients are cut off: HEADERS_TIMEOUT_MS (default 10 s) for the request line and
// headers, REQUEST_TIMEOUT_MS (default 30 s) for the whole request, body included.
import http from "node:http";

const dev = process.argv.includes("--dev");
(process.env as Record<string, string>).NODE_ENV ??= dev ? "development" : "production";
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST?.trim() || (process.env.DATABASE_URL ? "0.0.0.0" : "127.0.0.1");
const headersTimeout = Number(process.env.HEADERS_TIMEOUT_MS ?? 10_000);
const requestTimeout = Math.max(headersTimeout, Number(process.env.REQUEST_TIMEOUT_MS ?? 30_000));
// lib/demo/agent-boot.ts finds this server through PORT.
process.env.PORT = String(port);

// Imported after NODE_ENV is settled: Next and our modules read it when they load.
const { default: next } = await import("next");
const { serveAgentRead } = await import("./lib/http/front");
const { answerIfDatabaseDown } = await import("./lib/http/unavailable-page");

// Next sees "localhost" as its own host name (as `next start` does for 127.0.0.1 and 0.0.0.0).
const app = next({ dev, dir: process.cwd(), hostname: "localhost", port });
const handle = app.getRequestHandler();
await app.prepare(); // runs instrumentation.ts: database, migrations, seed, jobs

const server = http.createServer(
  {
    headersTimeout,
    requestTimeout,
    // how often those timeouts are checked (node's default, 30 s, would let a slow client stay that long)
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    keepAliveTimeout: Number(process.env.KEEP_ALIVE_TIMEOUT_MS ?? 5_000),
  },
  (req, res) => {
    if (serveAgentRead(req, res)) return;
    // A page while the database is down: a clear 503 page rather than one that fails to render.
    void answerIfDatabaseDown(req, res)
      .catch(() => false)
      .then((answered) => (answered ? undefined : handle(req, res)));
  },
);
server.on("error", (e) => {
  console.error(`\nCrawl · Walk · Run cannot start: ${e.message}\n`);
  process.exit(1);
});
server.listen(port, host, () => {
  console.log(
    `Crawl · Walk · Run listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}${host === "127.0.0.1" ? " (this machine only; HOST=0.0.0.0 to expose it)" : ""}`,
  );
});
