// scrypt off the event loop's CPU: each hashing slot (lib/auth/hash-queue.ts) is a worker thread that
// lowers its own scheduling priority to the minimum (nice 19; on Linux setpriority with pid 0 applies
// to the calling thread only) and hashes synchronously there. The event loop's thread keeps its
// priority, so when the core is shared (a pinned server, a busy machine) agents' decisions run first
// and the hashes take what is left. libuv's threadpool stays free for the rest of the app.
import { Worker } from "node:worker_threads";
import { hashQueueStats } from "./hash-queue";

const SOURCE = `
const { parentPort } = require("node:worker_threads");
const { scryptSync } = require("node:crypto");
try { require("node:os").setPriority(0, 19); } catch {}
parentPort.on("message", ({ id, password, salt, keyLen, options }) => {
  try {
    const key = scryptSync(password, Buffer.from(salt), keyLen, options);
    parentPort.postMessage({ id, key });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});
`;

interface Job {
  resolve: (key: Buffer) => void;
  reject: (e: Error) => void;
}
interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
}

const idle: Slot[] = [];
let nextId = 0;

function newSlot(): Slot {
  const slot: Slot = { worker: new Worker(SOURCE, { eval: true }), jobs: new Map() };
  const fail = (e: Error) => {
    for (const job of slot.jobs.values()) job.reject(e);
    slot.jobs.clear();
    const i = idle.indexOf(slot);
    if (i >= 0) idle.splice(i, 1);
  };
  slot.worker.on("message", (m: { id: number; key?: Uint8Array; error?: string }) => {
    const job = slot.jobs.get(m.id);
    slot.jobs.delete(m.id);
    if (slot.jobs.size === 0) slot.worker.unref(); // an idle worker keeps no process alive
    if (m.error !== undefined || !m.key) job?.reject(new Error(m.error ?? "scrypt failed"));
    else job?.resolve(Buffer.from(m.key.buffer, m.key.byteOffset, m.key.byteLength));
  });
  slot.worker.on("error", fail);
  slot.worker.on("exit", () => fail(new Error("the hashing worker stopped")));
  slot.worker.unref();
  return slot;
}

/**
 * scrypt on a low-priority worker. Callers hold a hash slot (withHashSlot), so at most the queue's
 * concurrency run at once: one worker per slot, reused.
 */
export async function scryptOnWorker(
  password: string,
  salt: Buffer,
  keyLen: number,
  options: { N: number; r: number; p: number; maxmem?: number },
): Promise<Buffer> {
  const slot = idle.pop() ?? newSlot();
  const id = nextId++;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      slot.jobs.set(id, { resolve, reject });
      slot.worker.ref(); // a pending hash keeps a CLI script (create-user) alive until it is done
      slot.worker.postMessage({ id, password, salt: new Uint8Array(salt), keyLen, options });
    });
  } finally {
    if (slot.worker.threadId >= 0 && idle.length < hashQueueStats().concurrency) idle.push(slot);
    else void slot.worker.terminate();
  }
}
