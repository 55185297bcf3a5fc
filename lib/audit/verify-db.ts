// The dashboard's verification: the database's entries against this server's checkpoint file, and the
// entries that claim a review against the review rows. Also the checkpoint job's check of what it is
// about to sign (the entries since its last checkpoint).
import { createPublicKey } from "node:crypto";
import type { Db } from "@/lib/db";
import type { ReviewClaim } from "@cwr/gating/audit-crosscheck";
import { auditEntryAt, iterateAllEntries, latestAnomaly, sealHorizon } from "./data";
import { readCheckpointFile, signingKey, type Checkpoint } from "./checkpoints";
import { GENESIS_HASH } from "./hash";
import { verifyEntries, type AuditVerdict, type WalkStart } from "./verify";
import { Frontier, frontierIndexes, verifyConsistency, verifyInclusion } from "./merkle";
import { parseCheckpointBody } from "./note";
import { consistencyProofAt, entryLeaf, inclusionProofAt, storedHashes, treeRootAt, TreeIncomplete } from "./tree";
import { collectReviewClaims, firstContradiction } from "./verify-domain";
import { verdictForReaders, type ReaderVerdict } from "./seal";

export interface Break {
  seq: string;
  reason: string;
}

/** The earlier of two breaks (by seq). */
const earlier = (a: Break | undefined | null, b: Break | undefined | null): Break | null =>
  !a ? (b ?? null) : !b ? a : BigInt(b.seq) < BigInt(a.seq) ? b : a;

export async function verifyAuditLog(db: Db): Promise<AuditVerdict> {
  const { checkpoints, badLines } = readCheckpointFile();
  const claims: ReviewClaim[] = [];
  const verdict = await verifyEntries(
    collectReviewClaims(iterateAllEntries(db), claims),
    checkpoints,
    createPublicKey(signingKey()),
  );
  const forged = await firstContradiction(db, claims);
  const first = earlier(verdict.brokenAt, forged);
  if (first) return { ...verdict, ok: false, brokenAt: first };
  if (badLines.length)
    return {
      ...verdict,
      ok: false,
      brokenAt: {
        seq: "0",
        reason: `the checkpoint file has unreadable lines (${badLines.slice(0, 5).join(", ")}): it was edited`,
      },
    };
  const served = await checkServedProofs(db, checkpoints, verdict.tree);
  if (served) return { ...verdict, ok: false, brokenAt: served };
  // A break the checkpoint job recorded and nothing signed since: the log stays red until an operator acts.
  const anomaly = await latestAnomaly(db);
  const lastSigned = checkpoints.length ? BigInt(checkpoints[checkpoints.length - 1]!.seq) : 0n;
  if (anomaly && anomaly.seq > lastSigned) {
    const d = anomaly.data as { seq?: string; reason?: string };
    return {
      ...verdict,
      ok: false,
      brokenAt: { seq: d.seq ?? anomaly.seq.toString(), reason: `recorded by the checkpoint job: ${d.reason ?? ""}` },
    };
  }
  return verdict;
}

/** The dashboard's verdict: the whole chain verified, counted only up to the seal horizon (lib/audit/seal.ts). */
export async function verifyAuditLogForReaders(db: Db): Promise<ReaderVerdict> {
  const verdict = await verifyAuditLog(db);
  return verdictForReaders(verdict, readCheckpointFile().checkpoints, await sealHorizon(db));
}

/**
 * What the checkpoint job checks before signing up to `head`: the entry its last checkpoint signed
 * still has that hash, every entry after it chains and hashes, the count adds up, and no entry claims
 * a review its request's rows do not hold. Null when all of it holds.
 */
export async function verifySinceCheckpoint(
  db: Db,
  last: Checkpoint | null,
  head: { seq: bigint; count: number },
): Promise<{ broken: Break } | { broken: null; tree: { size: number; root: Buffer } }> {
  const genesis: WalkStart = { seq: 0n, hash: GENESIS_HASH, count: 0, frontier: new Frontier() };
  let start = genesis;
  if (last) {
    const signed = await auditEntryAt(db, BigInt(last.seq));
    if (signed?.hash !== last.hash)
      return {
        broken: {
          seq: last.seq,
          reason: `entry ${last.seq} no longer has the hash the checkpoint signed ${last.at} (the log was rewritten or cut)`,
        },
      };
    // The walk resumes the tree from the stored frontier, trusted once it yields the root last signed.
    // A checkpoint from before the tree (no note) makes the walk start at the genesis, once.
    if (last.note) {
      const frontier = await storedFrontier(db, last.count);
      const signedRoot = parseCheckpointBody(last.note.slice(0, last.note.lastIndexOf("\n\n") + 1)).root;
      if (!frontier?.root().equals(signedRoot))
        return {
          broken: {
            seq: last.seq,
            reason: `the stored Merkle tree no longer has the root the checkpoint signed ${last.at} for ${last.count} entries (it was rewritten)`,
          },
        };
      start = { seq: BigInt(last.seq), hash: last.hash, count: last.count, frontier };
    }
  }
  const claims: ReviewClaim[] = [];
  const verdict = await verifyEntries(
    // Up to the head read when the job started: entries appended meanwhile belong to the next checkpoint
    // (walking on would sign the root of a larger tree under this checkpoint's count).
    collectReviewClaims(iterateAllEntries(db, 1000, start.seq, head.seq), claims),
    [],
    null,
    start,
  );
  const broken = earlier(verdict.brokenAt, await firstContradiction(db, claims));
  if (broken) return { broken };
  const expected = start.count + Number(head.seq - start.seq);
  if (head.count !== expected)
    return {
      broken: {
        seq: head.seq.toString(),
        reason: `the log holds ${head.count} entries up to ${head.seq}; the last checkpoint and the chain since say ${expected} (entries were deleted)`,
      },
    };
  return { broken: null, tree: { size: verdict.tree!.size, root: Buffer.from(verdict.tree!.root, "base64") } };
}

/** The tree's right edge at `size` from the stored hashes, or null when they are not all there. */
async function storedFrontier(db: Db, size: number): Promise<Frontier | null> {
  try {
    return new Frontier({ size, hashes: await storedHashes(db, frontierIndexes(size)) });
  } catch (e) {
    if (e instanceof TreeIncomplete) return null;
    throw e;
  }
}

/** How many of the newest signed checkpoints the dashboard checks the served proofs against. */
const PROOF_CHECKS = 10;

/**
 * The dashboard checks what auditors are served, with the proofs themselves: the stored tree (which
 * answers every proof) has the root the walk recomputed from the entries' hashes; each of the newest
 * signed checkpoints is proven consistent with the newest one, and the newest one's last entry
 * included in it, by proofs from the stored tree verified against the signed roots (RFC 9162).
 */
async function checkServedProofs(
  db: Db,
  checkpoints: readonly Checkpoint[],
  walked: { size: number; root: string } | undefined,
): Promise<Break | null> {
  if (!walked || walked.size === 0) return null;
  const tampered = (seq: string, what: string): Break => ({
    seq,
    reason: `${what}: the stored Merkle tree (audit_tree_hashes) was tampered with, and the proofs served would not match the signed checkpoints`,
  });
  const head = walked.size.toString();
  try {
    if (!(await treeRootAt(db, walked.size)).equals(Buffer.from(walked.root, "base64")))
      return tampered(head, `the stored tree of ${walked.size} entries differs from the tree of the entries' hashes`);
    const signed = checkpoints
      .filter((c) => c.note && c.count <= walked.size)
      .map((c) => ({ c, root: parseCheckpointBody(c.note!.slice(0, c.note!.lastIndexOf("\n\n") + 1)).root }))
      .slice(-PROOF_CHECKS);
    const newest = signed[signed.length - 1];
    if (!newest) return null;
    const size = newest.c.count;
    const last = await auditEntryAt(db, BigInt(size));
    const included = await inclusionProofAt(db, size - 1, size);
    if (!last || !verifyInclusion(size - 1, size, entryLeaf(last.hash), included, newest.root))
      return tampered(
        newest.c.seq,
        `the inclusion proof of entry ${size} in the checkpoint signed ${newest.c.at} fails`,
      );
    for (const { c, root } of signed.slice(0, -1)) {
      const proof = await consistencyProofAt(db, c.count, size);
      if (!verifyConsistency(c.count, size, proof, root, newest.root))
        return tampered(
          c.seq,
          `the consistency proof from the checkpoint signed ${c.at} (${c.count} entries) to the one signed ${newest.c.at} fails`,
        );
    }
    return null;
  } catch (e) {
    if (e instanceof TreeIncomplete) return tampered(head, `the stored tree lacks hash ${e.index}`);
    throw e;
  }
}
