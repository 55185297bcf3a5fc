import { timingSafeEqual, createHash } from "node:crypto";
import { methods, route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { renderPrometheus } from "@/lib/http/metrics";
import { streamStats } from "@/lib/http/sse";
import { jobsState } from "@/lib/jobs";
import { isShuttingDown } from "@/lib/shutdown";

export const dynamic = "force-dynamic";

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * METRICS_TOKEN set → scrapers send `Authorization: Bearer <token>`. Unset: public on the embedded
 * default (a local demo), closed in production (DATABASE_URL set) unless METRICS_PUBLIC=on says so.
 */
function checkToken(req: Request) {
  const token = process.env.METRICS_TOKEN?.trim();
  if (!token) {
    if (process.env.DATABASE_URL?.trim() && process.env.METRICS_PUBLIC !== "on")
      throw new AppError(
        "unauthenticated",
        "Metrics need a token in production: set METRICS_TOKEN and send `Authorization: Bearer <METRICS_TOKEN>` (or METRICS_PUBLIC=on to publish them).",
      );
    return;
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
  if (!m || !timingSafeEqual(digest(m[1]!), digest(token)))
    throw new AppError("unauthenticated", "Send the metrics token as `Authorization: Bearer <METRICS_TOKEN>`.");
}

/** Prometheus text format 0.0.4: this instance's requests, latency, events, tier changes, streams, jobs. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/metrics",
    auth: "public",
    handler: async ({ req }) => {
      checkToken(req);
      const body = renderPrometheus([
        { name: "cwr_stream_clients", help: "Tier streams (SSE) open on this instance.", value: streamStats.open },
        {
          name: "cwr_jobs_leader",
          help: "1 when this instance runs the background jobs (holds the advisory lock).",
          value: jobsState.leader ? 1 : 0,
        },
        {
          name: "cwr_shutting_down",
          help: "1 while this instance drains for shutdown.",
          value: isShuttingDown() ? 1 : 0,
        },
        {
          name: "process_resident_memory_bytes",
          help: "Resident memory size in bytes.",
          value: process.memoryUsage().rss,
        },
        {
          name: "process_start_time_seconds",
          help: "Start time of the process since the Unix epoch in seconds.",
          value: Math.round(Date.now() / 1000 - process.uptime()),
        },
      ]);
      return new Response(body, {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
      });
    },
  }),
});
