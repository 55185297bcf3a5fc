// Writes a signed checkpoint when N entries (AUDIT_CHECKPOINT_EVERY, default 100) or M seconds
// (AUDIT_CHECKPOINT_SECONDS, default 60) have passed since the last one and the log has grown.
// Run by the jobs leader (lib/jobs.ts), so one instance writes. A checkpoint signs only what verifies:
// before signing, the entries since the last checkpoint are checked (lib/audit/verify-db.ts); on a
// break nothing is signed, an `audit.anomaly` entry is appended (once per break) and people are told.
// Each checkpoint also signs the Merkle tree's root as a C2SP tlog-checkpoint note (issue 24).
import type { Db } from "@/lib/db";
import { log } from "@/lib/log";
import {
  appendCheckpoint,
  checkpointFilePath,
  readCheckpointFile,
  signCheckpoint,
  signingKey,
  type Checkpoint,
} from "./checkpoints";
import { appendAudit, catchUpAuditTree, SYSTEM_ACTOR } from "./mutations";
import { auditOrigin, consistencyProofAt, treeRootAt, TreeIncomplete } from "./tree";
import { auditEntryAt, latestAnomaly, latestSignedCheckpoint, sealHorizon } from "./data";
import { verifyConsistency } from "./merkle";
import { verifySinceCheckpoint, type Break } from "./verify-db";

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

/** Appends the anomaly entry unless the newest one already names this break (the job runs every few seconds). */
async function recordAnomaly(db: Db, broken: Break, last: Checkpoint | null, headSeq: bigint, now: Date) {
  const prev = (await latestAnomaly(db))?.data as { seq?: unknown; reason?: unknown } | undefined;
  if (prev?.seq === broken.seq && prev?.reason === broken.reason) return;
  log("error", "audit log failed verification: checkpoint not signed", { seq: broken.seq, reason: broken.reason });
  await db.$transaction((tx) =>
    appendAudit(
      tx,
      {
        actor: SYSTEM_ACTOR,
        kind: "audit.anomaly",
        entityType: "audit_entry",
        entityId: broken.seq,
        data: {
          seq: broken.seq,
          reason: broken.reason,
          lastCheckpointSeq: last?.seq ?? "0",
          headSeq: headSeq.toString(),
        },
      },
      now,
    ),
  );
}

/** Returns the checkpoint written, or null when none was due or the log did not verify. `force`: write whenever the log grew. */
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
  await catchUpAuditTree(db); // entries from before the tree (normally done at boot)
  const checked = await verifySinceCheckpoint(db, last, { seq: head.seq, count });
  const broken = checked.broken ?? (await storedTreeDiffers(db, checked.tree, head.seq));
  if (broken || checked.broken !== null) {
    await recordAnomaly(db, (broken ?? checked.broken)!, last, head.seq, now);
    return null;
  }
  const horizon = await publishableHorizon(db, count, checked.tree.root, now);
  if (horizon && "broken" in horizon) {
    await recordAnomaly(db, horizon.broken, last, head.seq, now);
    return null;
  }
  if (horizon) await keep(db, horizon.checkpoint, file); // before the head's: the file's last line is the newest
  const checkpoint = signCheckpoint(signingKey(), {
    seq: head.seq.toString(),
    hash: head.hash,
    count,
    at: now.toISOString(),
    root: checked.tree.root,
    origin: auditOrigin(),
  });
  await keep(db, checkpoint, file);
  g.__cwrLastCheckpoint = { file, last: checkpoint };
  return checkpoint;
}

/** Appended to the checkpoint file, and kept in the database, where GET /api/v1/audit/checkpoint serves it. */
async function keep(db: Db, checkpoint: Checkpoint, file: string) {
  appendCheckpoint(checkpoint, file);
  await db.auditCheckpoint.createMany({
    data: [{ size: BigInt(checkpoint.count), note: checkpoint.note! }],
    skipDuplicates: true,
  });
}

/**
 * While requests are open, readers are served checkpoints up to the seal horizon only (lib/audit/seal.ts),
 * so the head's checkpoint would never be published: the tree at the horizon is signed as well, once
 * per horizon. Its root comes from the stored tree and is trusted only with a consistency proof to the
 * head's root, which the walk has just recomputed from the entries.
 */
async function publishableHorizon(
  db: Db,
  count: number,
  headRoot: Buffer,
  now: Date,
): Promise<{ checkpoint: Checkpoint } | { broken: Break } | null> {
  const horizon = await sealHorizon(db);
  if (horizon === null || horizon < 1n || horizon >= BigInt(count)) return null;
  const published = await latestSignedCheckpoint(db, horizon);
  if (published && published.size >= horizon) return null;
  const size = Number(horizon);
  const entry = await auditEntryAt(db, horizon);
  const root = await treeRootAt(db, size).catch(() => null);
  const proof = root && (await consistencyProofAt(db, size, count).catch(() => null));
  if (!entry || !root || !proof || !verifyConsistency(size, count, proof, root, headRoot))
    return {
      broken: {
        seq: horizon.toString(),
        reason: `the stored Merkle tree of ${size} entries is not a prefix of the tree of the entries' hashes (audit_tree_hashes was tampered with)`,
      },
    };
  const checkpoint = signCheckpoint(signingKey(), {
    seq: horizon.toString(),
    hash: entry.hash,
    count: size,
    at: now.toISOString(),
    root,
    origin: auditOrigin(),
  });
  return { checkpoint };
}

/**
 * What the proofs are answered from (the stored hashes) must be the tree the walk recomputed from the
 * entries' hashes: otherwise a served proof would verify against a root nobody signed for these entries.
 */
async function storedTreeDiffers(db: Db, tree: { size: number; root: Buffer }, headSeq: bigint): Promise<Break | null> {
  let stored: Buffer | null = null;
  try {
    stored = await treeRootAt(db, tree.size);
  } catch (e) {
    if (!(e instanceof TreeIncomplete)) throw e;
  }
  return stored?.equals(tree.root)
    ? null
    : {
        seq: headSeq.toString(),
        reason: `the stored Merkle tree of ${tree.size} entries ${stored ? "differs from" : "lacks hashes of"} the tree of the entries' hashes (audit_tree_hashes was tampered with)`,
      };
}
