// Graceful shutdown on SIGTERM / SIGINT.
//
// `next start` (Next 16) handles these signals itself: it stops accepting connections
// (`server.close()`), waits for the requests in flight, closes the Next server and then calls
// `process.exit(143)` (SIGTERM) or `process.exit(130)` (SIGINT). It knows nothing of our streams, jobs
// or database, and `server.close()` would wait forever for an open Server-Sent Events stream and for
// idle keep-alive connections until their timeout. So on the same signal we:
//   1. mark the instance as shutting down (/api/ready answers 503, load balancers stop sending),
//   2. stop the background jobs (waiting for a run in progress) and give the jobs leadership up,
//   3. end every SSE stream with a reconnect advice (clients resume on another instance),
//   4. close idle keep-alive connections as they appear, so Next's `server.close()` finishes as soon as
//      the last request in flight has been answered,
// and when Next then calls `process.exit`, we first stop the LISTEN connection and close the database
// pool, and exit 0 (a drain that completed is a clean stop). If anything hangs, the process exits 1
// after SHUTDOWN_TIMEOUT_MS (default 20 s).
// With NEXT_MANUAL_SIG_HANDLE set (Next leaves signals alone), the same steps run, the listening
// servers are closed here, and the process exits once they have drained.
import http from "node:http";
import type { Database } from "@/lib/db/client";
import { log, logError } from "@/lib/log";

type Hook = () => Promise<void> | void;

interface ShutdownState {
  installed: boolean;
  shuttingDown: boolean;
  hooks: Array<{ name: string; run: Hook }>;
}

const g = globalThis as unknown as { __cwrShutdown?: ShutdownState };
const state: ShutdownState = (g.__cwrShutdown ??= { installed: false, shuttingDown: false, hooks: [] });

export function isShuttingDown(): boolean {
  return state.shuttingDown;
}

/** Something else to stop before the database closes (e.g. an in-process demo agent). */
export function onShutdown(name: string, run: Hook): void {
  state.hooks.push({ name, run });
}

/** The HTTP servers of this process (Next's, which is already listening when instrumentation runs). */
function httpServers(): http.Server[] {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  return handles.filter((h): h is http.Server => h instanceof http.Server);
}

export function installShutdown(database: Database): void {
  if (state.installed) return;
  state.installed = true;
  const timeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 20_000);
  const realExit = process.exit.bind(process);
  let cleanup: Promise<void> | null = null;
  let exiting = false;

  const finish = (code: number) => {
    if (exiting) return;
    exiting = true;
    void (async () => {
      try {
        await cleanup;
        const { stopTierListener } = await import("@/lib/db/notify");
        await stopTierListener();
        await database.close();
        log("info", "shutdown complete", { code });
      } catch (e) {
        logError("shutdown: closing the database failed", e);
        code = code || 1;
      }
      realExit(code);
    })();
  };

  const begin = (signal: NodeJS.Signals) => {
    if (state.shuttingDown) return;
    state.shuttingDown = true;
    const started = Date.now();
    const nextHandles = process.listenerCount(signal) > 1; // ours + Next's (`next start`; a custom server has none)
    const servers = httpServers(); // now, not at install: a custom server listens after instrumentation ran
    log("info", "shutdown started", { signal, nextHandlesSignal: nextHandles });

    const deadline = setTimeout(() => {
      log("error", "shutdown timed out; exiting", { ms: Date.now() - started });
      realExit(1);
    }, timeoutMs);
    deadline.unref();

    // Next calls process.exit once its server has drained: close our side first, then exit 0.
    process.exit = ((code?: number | string | null) => {
      const n = Number(code ?? process.exitCode ?? 0);
      finish(n === 143 || n === 130 ? 0 : n);
    }) as typeof process.exit;

    const idle = setInterval(() => servers.forEach((s) => s.closeIdleConnections?.()), 100);
    idle.unref();

    cleanup = (async () => {
      const { closeAllStreams } = await import("@/lib/http/sse");
      const { stopJobs } = await import("@/lib/jobs");
      const streams = closeAllStreams();
      await Promise.all([
        stopJobs().catch((e) => logError("shutdown: stopping jobs failed", e)),
        ...state.hooks.map((h) =>
          Promise.resolve()
            .then(h.run)
            .catch((e) => logError(`shutdown: ${h.name} failed`, e)),
        ),
      ]);
      log("info", "shutdown: streams ended, jobs stopped", { streams, ms: Date.now() - started });
    })();

    if (!nextHandles) {
      // Nobody else drains the servers: do it here, then exit.
      void Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => finish(0));
    }
  };

  // Ours runs before Next's cleanup on the same signal.
  process.prependListener("SIGTERM", begin);
  process.prependListener("SIGINT", begin);
}
