// Verification of the audit log against its signed checkpoints (SPEC §2 Audit entry): the chain
// (contiguous seqs from 1, each prevHash the previous hash, each hash its content's) and, at every
// checkpoint's seq, the hash it signed; past the end, the entries it counted. The same walk runs on
// the database (dashboard) and on an export (`npm run audit:verify`).
import type { KeyObject } from "node:crypto";
import { auditEntryHash, GENESIS_HASH } from "./hash";
import { checkpointSignatureValid, type Checkpoint } from "./checkpoints";
import { Frontier } from "./merkle";
import { openNote, parseCheckpointBody, verifierKey, type CheckpointBody } from "./note";
import { entryLeaf } from "./tree-leaf";

/** An entry as the database holds it or as a JSON export carries it (seq and time as text). */
export interface VerifiableEntry {
  seq: bigint | string;
  createdAt: Date | string;
  actorType: string;
  actorId?: string | null;
  actorLabel: string;
  kind: string;
  entityType: string;
  entityId: string;
  agentId: string | null;
  actionTypeId: string | null;
  data: unknown;
  prevHash: string;
  hash: string;
  /** an export's stand-in for an entry sealed while its request is open: only seq and hashes */
  sealed?: boolean;
}

export interface AuditVerdict {
  ok: boolean;
  /** entries whose chain verified before the first problem */
  checked: number;
  lastSeq: string | null;
  checkpoints: { total: number; matched: number; latest: { seq: string; at: string } | null };
  /** entries an export carried as sealed stubs (content not checkable until their requests close) */
  sealed: number;
  brokenAt?: { seq: string; reason: string };
  /** the Merkle tree of the entries walked (issue 24), when the walk started at the genesis or a frontier */
  tree?: { size: number; root: string };
}

/** Where a walk starts: after an entry already verified (a checkpoint's), else at the genesis. */
export interface WalkStart {
  seq: bigint;
  hash: string;
  /** entries up to and including seq */
  count: number;
  /** the Merkle tree's right edge after seq: without it, signed roots are not checked */
  frontier?: Frontier;
}

/**
 * The checkpoint a signed note carries, checked: its signature (by the public key under the note's own
 * origin, or by the given verifier key, which pins the name) and its size against the JSON's count.
 */
function signedTree(c: Checkpoint, publicKey: KeyObject | null, vkey: string | undefined): CheckpointBody {
  const note = c.note!;
  const origin = note.slice(0, note.indexOf("\n"));
  const keys = vkey ? [vkey] : publicKey ? [verifierKey(origin, publicKey)] : null;
  const text = keys ? openNote(note, keys).text : note.slice(0, note.lastIndexOf("\n\n") + 1);
  const body = parseCheckpointBody(text);
  if (body.size !== c.count)
    throw new Error(`it signs a tree of ${body.size} entries, the checkpoint counts ${c.count}`);
  return body;
}

export async function verifyEntries(
  entries: AsyncIterable<VerifiableEntry> | Iterable<VerifiableEntry>,
  checkpointList: readonly Checkpoint[],
  publicKey: KeyObject | null,
  start: WalkStart = { seq: 0n, hash: GENESIS_HASH, count: 0, frontier: new Frontier() },
  options: { verifierKey?: string } = {},
): Promise<AuditVerdict> {
  const trees = new Map<string, CheckpointBody>();
  const frontier = start.frontier ?? (start.seq === 0n ? new Frontier() : null);
  const bySeq = new Map<string, Checkpoint>();
  const sorted = [...checkpointList].sort((a, b) =>
    BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0,
  );
  let checked = 0;
  let sealed = 0;
  let matched = 0;
  let lastSeq: bigint | null = null;
  const latest = sorted[sorted.length - 1] ?? null;
  const summary = () => ({ total: sorted.length, matched, latest: latest ? { seq: latest.seq, at: latest.at } : null });
  const fail = (seq: bigint | string, reason: string): AuditVerdict => ({
    ok: false,
    checked,
    lastSeq: lastSeq?.toString() ?? null,
    checkpoints: summary(),
    sealed,
    brokenAt: { seq: seq.toString(), reason },
  });

  for (const c of sorted) {
    if (publicKey && !checkpointSignatureValid(publicKey, c))
      return fail(
        c.seq,
        `the checkpoint for seq ${c.seq} (signed ${c.at}) has an invalid signature or another key: the checkpoint file was tampered with`,
      );
    if (c.note !== undefined)
      try {
        trees.set(c.seq, signedTree(c, publicKey, options.verifierKey));
      } catch (e) {
        return fail(
          c.seq,
          `the signed checkpoint note for seq ${c.seq} (signed ${c.at}) does not verify (${(e as Error).message}): the checkpoint file was tampered with`,
        );
      }
    bySeq.set(c.seq, c);
  }

  let expected = start.seq + 1n;
  let prevHash = start.hash;
  let lastMatched = start.seq;
  for await (const raw of entries) {
    const seq = BigInt(raw.seq);
    if (seq !== expected)
      return seq > expected
        ? fail(expected, `entry ${expected} is missing (next entry is ${seq})`)
        : fail(seq, `entry ${seq} is out of order or repeated`);
    if (raw.prevHash !== prevHash) return fail(seq, `prevHash does not match the hash of entry ${seq - 1n}`);
    if (raw.sealed) sealed++;
    else {
      const content = {
        ...raw,
        seq,
        createdAt: raw.createdAt instanceof Date ? raw.createdAt : new Date(raw.createdAt),
        actorId: raw.actorId ?? null,
      };
      if (auditEntryHash(content) !== raw.hash)
        return fail(seq, "content does not match its hash (the entry was edited)");
    }
    frontier?.push(entryLeaf(raw.hash));
    const c = bySeq.get(seq.toString());
    if (c) {
      if (c.hash !== raw.hash) {
        return fail(
          lastMatched + 1n,
          `entries ${lastMatched + 1n}–${seq} were rewritten: entry ${seq}'s hash differs from the checkpoint signed ${c.at} although the chain links up (its hashes were recomputed); the first changed entry is among them, at or after ${lastMatched + 1n}`,
        );
      }
      if (c.count !== start.count + checked + 1)
        return fail(
          seq,
          `the checkpoint signed ${c.at} counted ${c.count} entries up to ${seq}, the log has ${start.count + checked + 1}`,
        );
      const tree = trees.get(c.seq);
      if (tree && frontier && !frontier.root().equals(tree.root))
        return fail(
          lastMatched + 1n,
          `entries ${lastMatched + 1n}–${seq} were rewritten: the Merkle root signed ${c.at} for ${c.count} entries differs from the tree of the entries' hashes`,
        );
      matched++;
      lastMatched = seq;
    }
    checked++;
    lastSeq = seq;
    prevHash = raw.hash;
    expected = seq + 1n;
  }
  if (latest && BigInt(latest.seq) > (lastSeq ?? 0n)) {
    return fail(
      (lastSeq ?? 0n) + 1n,
      `entries ${(lastSeq ?? 0n) + 1n}–${latest.seq} are missing: the checkpoint signed ${latest.at} covers ${latest.count} entries, the log ends at ${lastSeq ?? 0n} (the newest entries were deleted)`,
    );
  }
  return {
    ok: true,
    checked,
    lastSeq: lastSeq?.toString() ?? null,
    checkpoints: summary(),
    sealed,
    ...(frontier ? { tree: { size: frontier.size, root: frontier.root().toString("base64") } } : {}),
  };
}
