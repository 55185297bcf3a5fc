// Writes a signed checkpoint when N entries (AUDIT_CHECKPOINT_EVERY, default 100) or M seconds
// (AUDIT_CHECKPOINT_SECONDS, default 60) have passed since the last one and the log has grown.
// Run by the jobs leader (lib/jobs.ts), so one instance writes.
import type { Db } from "@/lib/db";
import {
  appendCheckpoint,
  checkpointFilePath,
  readCheckpointFile,
  signCheckpoint,
  signingKey,
  type Checkpoint,
} from "./checkpoints";

const g = globalThis as unknown as { __cwrLastCheckpoint?: { file: string; last: Checkpoint | null } };

function lastWritten(file: string): Checkpoint | null {
  if (g.__cwrLastCheckpoint?.file !== file) {
    const all = readCheckpointFile(file).checkpoints;
    g.__cwrLastCheckpoint = { file, last: all[all.length - 1] ?? null };
  }
  return g.__cwrLastCheckpoint.last;
}

export function checkpointPolicy(env: NodeJS.ProcessEnv = process.env) {
  const every = Number(env.AUDIT_CHECKPOINT_EVERY ?? 100);
  const seconds = Number(env.AUDIT_CHECKPOINT_SECONDS ?? 60);
  return {
    every: Number.isFinite(every) && every >= 1 ? Math.floor(every) : 100,
    seconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 60,
  };
}

/** Returns the checkpoint written, or null when none was due. `force`: write whenever the log grew. */
export async function writeCheckpointIfDue(
  db: Db,
  now = new Date(),
  options: { force?: boolean } = {},
): Promise<Checkpoint | null> {
  const file = checkpointFilePath();
  const last = lastWritten(file);
  const head = await db.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  if (!head) return null;
  const lastSeq = last ? BigInt(last.seq) : 0n;
  if (head.seq <= lastSeq) return null;
  const { every, seconds } = checkpointPolicy();
  const dueByCount = head.seq - lastSeq >= BigInt(every);
  const dueByTime = !last || now.getTime() - Date.parse(last.at) >= seconds * 1000;
  if (!options.force && !dueByCount && !dueByTime) return null;
  const count = await db.auditEntry.count({ where: { seq: { lte: head.seq } } });
  const checkpoint = signCheckpoint(signingKey(), {
    seq: head.seq.toString(),
    hash: head.hash,
    count,
    at: now.toISOString(),
  });
  appendCheckpoint(checkpoint, file);
  g.__cwrLastCheckpoint = { file, last: checkpoint };
  return checkpoint;
}
