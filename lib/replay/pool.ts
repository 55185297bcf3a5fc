// The one replay worker of this instance (SPEC §6: nothing a person starts slows the agents). A
// replay's pages are read here (database I/O is asynchronous) and folded in a worker thread; at most
// one replay runs at a time, a second is refused with 429 and Retry-After in the one error model.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ReplayOptions, ReplayResult } from "@cwr/gating/replay";
import { AppError } from "@/lib/errors";
import type { FromWorker, ToWorker } from "./worker";

interface Pool {
  worker: Worker | null;
  busy: boolean;
  jobs: number;
  lastMs: number;
  waiting: Map<number, { resolve: (r: ReplayResult[]) => void; reject: (e: Error) => void }>;
}
// One per process: Next compiles route handlers and server actions into separate module instances.
const g = globalThis as unknown as { __cwrReplayPool?: Pool };
const pool = (g.__cwrReplayPool ??= { worker: null, busy: false, jobs: 0, lastMs: 1_000, waiting: new Map() });
const waiting = pool.waiting;

// The server runs TypeScript through tsx (`node --import tsx server.ts`), and Next bundles this module,
// so the worker cannot be a path next to it: it is started from source, with tsx registered first.
function startWorker(): Worker {
  const entry = pathToFileURL(path.join(process.cwd(), "lib", "replay", "worker.ts")).href;
  const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const w = new Worker(boot, { eval: true, name: "replay" });
  w.unref();
  w.on("message", (m: FromWorker) => {
    const job = waiting.get(m.job);
    if (!job) return;
    waiting.delete(m.job);
    if (m.type === "done") job.resolve(m.results);
    else job.reject(new Error(`replay failed in the worker: ${m.message}`));
  });
  const fail = (e: Error) => {
    pool.worker = null;
    for (const job of waiting.values()) job.reject(e);
    waiting.clear();
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`the replay worker exited (${code})`)));
  return w;
}

/** Takes this instance's one replay slot, or refuses with 429 (the wait: about one replay's time). */
export function takeReplaySlot(): () => void {
  if (pool.busy)
    throw new AppError("rate_limited", "A replay is already running on this server; try again in a moment.", {
      retryAfterSeconds: Math.min(30, Math.max(1, Math.ceil(pool.lastMs / 1000))),
    });
  pool.busy = true;
  const started = performance.now();
  return () => {
    pool.lastMs = performance.now() - started;
    pool.busy = false;
  };
}

/** Folds `pages` under each of `runs` in the worker (the caller holds the slot). */
export async function foldInWorker(
  runs: ReplayOptions[],
  pages: AsyncIterable<string>,
  now: number,
): Promise<ReplayResult[]> {
  pool.worker ??= startWorker();
  const w = pool.worker;
  const job = ++pool.jobs;
  const done = new Promise<ReplayResult[]>((resolve, reject) => waiting.set(job, { resolve, reject }));
  done.catch(() => undefined); // awaited below; a read that throws first must not leave it unhandled
  const send = (m: ToWorker) => w.postMessage(m);
  w.ref(); // a running replay keeps the process alive until it answers
  try {
    send({ type: "start", job, runs });
    for await (const rows of pages) send({ type: "page", job, rows });
    send({ type: "finish", job, now });
    return await done;
  } finally {
    waiting.delete(job);
    w.unref();
  }
}
