// The replay worker thread (lib/replay/pool.ts starts it): folds the pages the main thread reads, so a
// replay of a long history never holds the event loop agents' decisions are answered on. One job at
// a time; pure but for the messages.
import { parentPort } from "node:worker_threads";
import type { ReplayOptions, ReplayResult } from "@cwr/gating/replay";
import { ReplayFolder } from "./fold";

export type ToWorker =
  | { type: "start"; job: number; runs: ReplayOptions[] }
  | { type: "page"; job: number; rows: string }
  | { type: "finish"; job: number; now: number };
export type FromWorker =
  { type: "done"; job: number; results: ReplayResult[] } | { type: "failed"; job: number; message: string };

// REPLAY_HOLD_MS (tests of the one-at-a-time rule): a blocking wait in the fold, as a long history
// would take; on the event loop it would hold every request, here it holds only this thread.
const holdMs = Number(process.env.REPLAY_HOLD_MS ?? 0);
const hold = () => {
  if (holdMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, holdMs);
};

let current: { job: number; folder: ReplayFolder } | null = null;
let failed = -1;

parentPort!.on("message", (m: ToWorker) => {
  if (m.job === failed) return;
  try {
    if (m.type === "start") current = { job: m.job, folder: new ReplayFolder(m.runs) };
    else if (current?.job !== m.job) throw new Error(`replay job ${m.job} was not started`);
    else if (m.type === "page") current.folder.page(m.rows);
    else {
      hold();
      const results = current.folder.finish(m.now);
      current = null;
      parentPort!.postMessage({ type: "done", job: m.job, results } satisfies FromWorker);
    }
  } catch (e) {
    current = null;
    failed = m.job;
    parentPort!.postMessage({
      type: "failed",
      job: m.job,
      message: String((e as Error)?.stack ?? e),
    } satisfies FromWorker);
  }
});
