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
  indexesRead,
  proveConsistency,
  proveInclusion,
  storedHashCount,
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
 * The stored hashes that appending these entries (leaves size, size+1, …) adds: O(log n) read in one
 * query. `lagging`: the tree does not cover the first `size` entries (its last hash is missing), so
 * nothing is computed and the caller catches it up first.
 */
export async function treeAppend(
  db: Reader,
  size: number,
  entryHashes: readonly string[],
): Promise<{ lagging: true } | { lagging: false; rows: TreeRows }> {
  const leaves = entryHashes.map(entryLeaf);
  const compute = (read: HashReader) => appendLeaves(size, leaves, read);
  // The last hash a tree of `size` stored, read with the rest: absent, the tree lags the log.
  const need = [...new Set([...indexesRead(compute), ...(size > 0 ? [storedHashCount(size) - 1] : [])])];
  const stored = await readTreeHashes(db, need);
  return stored.size < need.length ? { lagging: true } : { lagging: false, rows: compute(readerOf(stored)) };
}
