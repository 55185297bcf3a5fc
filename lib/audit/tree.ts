// The audit log's Merkle tree in the database (issue 24): stored subtree hashes (lib/audit/merkle.ts,
// Go tlog's layout) in `audit_tree_hashes`, appended in the audited mutation's transaction under the
// audit lock (lib/audit/mutations.ts), and read to answer roots and proofs with one query each.
// The leaf of entry seq s is leaf s−1, whose data is the entry's existing hash (./tree-leaf.ts).
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { publicBaseUrl } from "@/lib/urls/public-url";
import { readTreeHashes } from "./data";
import {
  appendLeaves,
  frontierIndexes,
  indexesRead,
  proveConsistency,
  proveInclusion,
  treeHash,
  type Hash,
  type HashReader,
} from "./merkle";
import { entryLeaf } from "./tree-leaf";

type Reader = Db | Tx;

export { entryLeaf };

/**
 * The log's name: the checkpoint's origin line and its signing key's name, from PUBLIC_URL
 * ("cwr.example.com/audit"; C2SP tlog-checkpoint: a schema-less URL naming the log).
 */
export function auditOrigin(env: NodeJS.ProcessEnv = process.env): string {
  const url = new URL(publicBaseUrl(env));
  return `${url.host}${url.pathname.replace(/\/+$/, "")}/audit`;
}

/** A stored hash the tree needs is not there: the tree lags the log or was tampered with. */
export class TreeIncomplete extends Error {
  constructor(readonly index: number) {
    super(`the audit tree lacks stored hash ${index}`);
  }
}

const readerOf =
  (stored: Map<number, Hash>): HashReader =>
  (index) => {
    const h = stored.get(index);
    if (!h) throw new TreeIncomplete(index);
    return h;
  };

/** Runs a computation over stored hashes, fetching the O(log n) it reads in one query. */
async function withStored<T>(db: Reader, compute: (read: HashReader) => T): Promise<T> {
  return compute(readerOf(await readTreeHashes(db, indexesRead(compute))));
}

export const treeRootAt = (db: Reader, size: number) => withStored(db, (read) => treeHash(size, read));
export const inclusionProofAt = (db: Reader, index: number, size: number) =>
  withStored(db, (read) => proveInclusion(size, index, read));
export const consistencyProofAt = (db: Reader, from: number, to: number) =>
  withStored(db, (read) => proveConsistency(from, to, read));

/** These stored hashes, in this order (throws TreeIncomplete when one is missing). */
export async function storedHashes(db: Reader, indexes: readonly number[]): Promise<Hash[]> {
  const read = readerOf(await readTreeHashes(db, indexes));
  return indexes.map(read);
}

export type TreeRows = Array<{ index: number; hash: Hash }>;

/**
 * The right edge of the tree this process last appended to, keyed by the head entry's hash. The edge
 * is a function of the entries' hashes, and the head's hash commits to all of them (the chain), so
 * where the head read under the lock is that entry, these are the stored hashes an append reads: the
 * read is skipped. Another writer (instance) or a rolled-back append changes the head: read again.
 */
const g = globalThis as unknown as { __cwrTreeEdge?: { size: number; head: string; hashes: Map<number, Hash> } };

/**
 * The stored hashes that appending these entries (leaves size, size+1, …) adds: O(log n) read in one
 * query (none when this process appended the head). `head`: the hash of entry `size` (null when none).
 * `lagging`: the tree does not cover the first `size` entries (its last hash is missing), so nothing is
 * computed and the caller catches it up first.
 */
export async function treeAppend(
  db: Reader,
  size: number,
  head: string | null,
  entryHashes: readonly string[],
): Promise<{ lagging: true } | { lagging: false; rows: TreeRows }> {
  const leaves = entryHashes.map(entryLeaf);
  const compute = (read: HashReader) => appendLeaves(size, leaves, read);
  // The tree's right edge (its last hash among them: absent, the tree lags the log). The append reads
  // only these, and the new edge is made of them and the new hashes.
  const need = [...new Set([...frontierIndexes(size), ...indexesRead(compute)])];
  const edge = g.__cwrTreeEdge;
  const cached = edge && edge.size === size && edge.head === head && need.every((i) => edge.hashes.has(i));
  const stored = cached ? edge.hashes : await readTreeHashes(db, need);
  if (stored.size < need.length && !cached) return { lagging: true };
  const rows = compute(readerOf(stored));
  const next = new Map(rows.map((r) => [r.index, r.hash]));
  const newSize = size + leaves.length;
  g.__cwrTreeEdge = {
    size: newSize,
    head: entryHashes[entryHashes.length - 1] ?? head ?? "",
    hashes: new Map(frontierIndexes(newSize).map((i) => [i, next.get(i) ?? stored.get(i)!])),
  };
  return { lagging: false, rows };
}
