// The RFC 9162 §2.1 Merkle tree (the RFC 6962 tree) over the audit log, pure: hashes, roots, inclusion
// and consistency proofs and their verification. The tree is kept as "stored hashes" in the layout of
// Go's golang.org/x/mod/sumdb/tlog: the hash of every complete, aligned subtree (level L, n'th: leaves
// [n·2^L, (n+1)·2^L)) at StoredHashIndex(L, n), written once, in increasing index order as leaves are
// appended. Any other subtree's hash is combined from O(log n) of them. Sizes and indexes are plain
// numbers (exact up to 2^53): no 32-bit bitwise operators below.
import { createHash } from "node:crypto";

export type Hash = Buffer;

/** Reads a stored hash by its index (StoredHashIndex); throws when it is not stored. */
export type HashReader = (index: number) => Hash;

const sha256 = (...parts: Uint8Array[]): Hash => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** MTH({}) = SHA-256() */
export const EMPTY_ROOT: Hash = sha256();

/** MTH({d}) = SHA-256(0x00 || d) */
export const leafHash = (data: Uint8Array): Hash => sha256(LEAF, data);

/** SHA-256(0x01 || left || right) */
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE, left, right);

const half = (x: number) => Math.floor(x / 2);
const odd = (x: number) => x % 2 === 1;

/** The largest power of two smaller than n (n > 1): the size of the left subtree. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The root of a tree of these leaf hashes, from the definition (RFC 9162 §2.1.1): no stored hashes. */
export function rootOf(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

// ── Stored hashes (Go's tlog layout) ───────────────────────────────────────────────────────────

/** tlog.StoredHashIndex: level L's n'th hash is stored right after level L+1's (2n+1)'th. */
export function storedHashIndex(level: number, n: number): number {
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  let i = 0;
  for (; n > 0; n = half(n)) i += n;
  return i + level;
}

/** tlog.StoredHashCount: how many hashes a tree of `size` leaves stores. */
export function storedHashCount(size: number): number {
  if (size === 0) return 0;
  let count = storedHashIndex(0, size - 1) + 1;
  for (let i = size - 1; odd(i); i = half(i)) count++;
  return count;
}

/** The tree size whose stored hashes number exactly `count` (the leaves a stored prefix covers, rounded down). */
export function sizeForStoredCount(count: number): number {
  let lo = 0;
  let hi = 1;
  while (storedHashCount(hi) <= count) hi *= 2;
  while (hi - lo > 1) {
    const mid = lo + half(hi - lo);
    if (storedHashCount(mid) <= count) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The stored hashes that appending `leaves` to a tree of `size` leaves adds, in index order: each leaf,
 * then the subtree hashes it completes (tlog.StoredHashesForRecordHash, for a batch). `read` is asked
 * only for hashes of the tree before the batch: O(log n) of them.
 */
export function appendLeaves(
  size: number,
  leaves: readonly Hash[],
  read: HashReader,
): Array<{ index: number; hash: Hash }> {
  const added = new Map<number, Hash>();
  const out: Array<{ index: number; hash: Hash }> = [];
  const at = (index: number) => added.get(index) ?? read(index);
  leaves.forEach((leaf, i) => {
    let n = size + i;
    let h = leaf;
    let level = 0;
    const put = (index: number, hash: Hash) => {
      added.set(index, hash);
      out.push({ index, hash });
    };
    put(storedHashIndex(0, n), h);
    while (odd(n)) {
      h = nodeHash(at(storedHashIndex(level, n - 1)), h);
      n = half(n);
      level++;
      put(storedHashIndex(level, n), h);
    }
  });
  return out;
}

/** The stored indexes a computation reads (it must not branch on hash values): to fetch them in one query. */
export function indexesRead(compute: (read: HashReader) => unknown): number[] {
  const seen = new Set<number>();
  compute((index) => {
    seen.add(index);
    return EMPTY_ROOT;
  });
  return [...seen].sort((a, b) => a - b);
}

/** The hash of leaves [lo, hi) of a tree whose stored hashes `read` serves. */
function subtreeHash(lo: number, hi: number, read: HashReader): Hash {
  const n = hi - lo;
  let level = 0;
  while (2 ** level < n) level++;
  if (2 ** level === n && lo % n === 0) return read(storedHashIndex(level, lo / n));
  const k = split(n);
  return nodeHash(subtreeHash(lo, lo + k, read), subtreeHash(lo + k, hi, read));
}

/** The root of the first `size` leaves (tlog.TreeHash, with the RFC's empty root). */
export function treeHash(size: number, read: HashReader): Hash {
  return size === 0 ? EMPTY_ROOT : subtreeHash(0, size, read);
}

/** PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), leaf to root. */
export function proveInclusion(size: number, index: number, read: HashReader): Hash[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`index ${index} is not in a tree of ${size}`);
  const path = (lo: number, hi: number): Hash[] => {
    if (hi - lo === 1) return [];
    const k = split(hi - lo);
    return index < lo + k
      ? [...path(lo, lo + k), subtreeHash(lo + k, hi, read)]
      : [...path(lo + k, hi), subtreeHash(lo, lo + k, read)];
  };
  return path(0, size);
}

/** PROOF(from, D[0:to]) (RFC 9162 §2.1.4.1); empty when from = to. */
export function proveConsistency(from: number, to: number, read: HashReader): Hash[] {
  if (!(from >= 1 && from <= to)) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  const sub = (m: number, lo: number, hi: number, complete: boolean): Hash[] => {
    if (m === hi - lo) return complete ? [] : [subtreeHash(lo, hi, read)];
    const k = split(hi - lo);
    return m <= k
      ? [...sub(m, lo, lo + k, complete), subtreeHash(lo + k, hi, read)]
      : [...sub(m - k, lo + k, hi, false), subtreeHash(lo, lo + k, read)];
  };
  return sub(from, 0, to, true);
}

const isInt = (x: number) => Number.isSafeInteger(x);

/** RFC 9162 §2.1.3.2. */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  if (!isInt(index) || !isInt(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn))
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
    } else r = nodeHash(r, p);
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2 (from ≥ 1; equal sizes need an empty proof and equal roots). */
export function verifyConsistency(
  from: number,
  to: number,
  proof: readonly Hash[],
  fromRoot: Hash,
  toRoot: Hash,
): boolean {
  if (!isInt(from) || !isInt(to) || from < 1 || from > to) return false;
  if (from === to) return proof.length === 0 && fromRoot.equals(toRoot);
  if (proof.length === 0) return false;
  // A first tree of 2^k leaves is a node of the second: its root starts the path.
  const path = powerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn))
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
    } else sr = nodeHash(sr, c);
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(fromRoot) && sr.equals(toRoot) && sn === 0;
}

function powerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}

/**
 * The right edge of a tree being read leaf by leaf (a compact range): the roots of its complete
 * subtrees, largest first. O(log n) memory, so a verifier walking an export of any size recomputes
 * the root at every checkpoint without stored hashes.
 */
export class Frontier {
  private readonly hashes: Hash[] = [];
  private readonly sizes: number[] = [];
  size = 0;

  constructor(from?: { size: number; hashes: readonly Hash[] }) {
    if (!from) return;
    const sizes = frontierSizes(from.size);
    if (sizes.length !== from.hashes.length) throw new RangeError("the frontier does not fit its size");
    this.hashes.push(...from.hashes);
    this.sizes.push(...sizes);
    this.size = from.size;
  }

  push(leaf: Hash): void {
    let h = leaf;
    let s = 1;
    while (this.sizes.length && this.sizes[this.sizes.length - 1] === s) {
      h = nodeHash(this.hashes.pop()!, h);
      this.sizes.pop();
      s *= 2;
    }
    this.hashes.push(h);
    this.sizes.push(s);
    this.size++;
  }

  root(): Hash {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let r = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) r = nodeHash(this.hashes[i]!, r);
    return r;
  }
}

/** The sizes of a tree's complete subtrees on its right edge, largest first (the binary digits of size). */
function frontierSizes(size: number): number[] {
  const out: number[] = [];
  let p = 1;
  while (p * 2 <= size) p *= 2;
  for (let rest = size; p >= 1; p /= 2)
    if (rest >= p) {
      out.push(p);
      rest -= p;
    }
  return out;
}

/** The stored indexes of the frontier of a tree of `size` leaves (to resume a Frontier from stored hashes). */
export function frontierIndexes(size: number): number[] {
  let lo = 0;
  return frontierSizes(size).map((s) => {
    let level = 0;
    while (2 ** level < s) level++;
    const index = storedHashIndex(level, lo / s);
    lo += s;
    return index;
  });
}
