// RFC 9162 §2.1 over the stored-hash layout of Go's tlog: the incremental tree equals the from-scratch
// definition, every proof it serves verifies, and any flipped byte fails.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  appendLeaves,
  EMPTY_ROOT,
  Frontier,
  frontierIndexes,
  leafHash,
  nodeHash,
  proveConsistency,
  proveInclusion,
  rootOf,
  sizeForStoredCount,
  storedHashCount,
  storedHashIndex,
  treeHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from "./merkle";

const sha = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
const leafArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => leafHash(Buffer.from(b)));
const leavesArb = fc.array(leafArb, { minLength: 1, maxLength: 70 });

/** Appends the leaves in the given batches; returns the stored hashes by index. */
function stored(leaves: Hash[], cuts: number[] = []): Map<number, Hash> {
  const store = new Map<number, Hash>();
  const read = (i: number) => {
    const h = store.get(i);
    if (!h) throw new Error(`stored hash ${i} missing`);
    return h;
  };
  const bounds = [...new Set([0, ...cuts.map((c) => c % (leaves.length + 1)), leaves.length])].sort((a, b) => a - b);
  for (let b = 0; b + 1 < bounds.length; b++)
    for (const { index, hash } of appendLeaves(bounds[b]!, leaves.slice(bounds[b], bounds[b + 1]), read)) {
      expect(store.has(index)).toBe(false); // append-only: a stored hash is never rewritten
      store.set(index, hash);
    }
  return store;
}
const reader = (store: Map<number, Hash>) => (i: number) => store.get(i)!;

function flip(h: Hash, at: number): Hash {
  const c = Buffer.from(h);
  c[at % c.length]! ^= 1 << (at % 8);
  return c;
}

describe("hashes (RFC 9162 §2.1.1)", () => {
  it("leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), empty tree = SHA-256('')", () => {
    const d = Buffer.from("abc");
    expect(leafHash(d)).toEqual(sha(Buffer.from([0]), d));
    const a = leafHash(Buffer.from("a"));
    const b = leafHash(Buffer.from("b"));
    expect(nodeHash(a, b)).toEqual(sha(Buffer.from([1]), a, b));
    expect(EMPTY_ROOT).toEqual(sha(Buffer.alloc(0)));
    expect(rootOf([])).toEqual(EMPTY_ROOT);
    expect(rootOf([a])).toEqual(a);
    // 3 leaves: the left subtree is the largest power of two below 3
    const c = leafHash(Buffer.from("c"));
    expect(rootOf([a, b, c])).toEqual(nodeHash(nodeHash(a, b), c));
  });

  it("stored hash indexes follow Go's tlog layout", () => {
    // tlog.StoredHashIndex: level 0 n=0..3 → 0,1,3,4; level 1 n=0 → 2; level 2 n=0 → 6
    expect([0, 1, 2, 3].map((n) => storedHashIndex(0, n))).toEqual([0, 1, 3, 4]);
    expect(storedHashIndex(1, 0)).toBe(2);
    expect(storedHashIndex(1, 1)).toBe(5);
    expect(storedHashIndex(2, 0)).toBe(6);
    expect(storedHashIndex(0, 4)).toBe(7);
  });
});

describe("the incremental tree", () => {
  it("its root at every size equals a from-scratch recomputation, whatever the batches", () => {
    fc.assert(
      fc.property(leavesArb, fc.array(fc.nat(), { maxLength: 6 }), (leaves, cuts) => {
        const read = reader(stored(leaves, cuts));
        const frontier = new Frontier();
        for (let n = 1; n <= leaves.length; n++) {
          frontier.push(leaves[n - 1]!);
          const scratch = rootOf(leaves.slice(0, n));
          expect(treeHash(n, read)).toEqual(scratch);
          expect(frontier.root()).toEqual(scratch);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("resuming from stored hashes", () => {
  it("a frontier read from the stored hashes at any size continues to the same roots; the stored count gives back the size", () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), (leaves, cut) => {
        const store = stored(leaves);
        const read = reader(store);
        const at = cut % (leaves.length + 1);
        const f = new Frontier({ size: at, hashes: frontierIndexes(at).map(read) });
        expect(f.root()).toEqual(rootOf(leaves.slice(0, at)));
        for (const leaf of leaves.slice(at)) f.push(leaf);
        expect(f.root()).toEqual(rootOf(leaves));
        expect(storedHashCount(leaves.length)).toBe(store.size);
        expect(sizeForStoredCount(store.size)).toBe(leaves.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe("proofs (RFC 9162 §2.1.3, §2.1.4)", () => {
  it("every inclusion proof verifies", () => {
    fc.assert(
      fc.property(leavesArb, (leaves) => {
        const read = reader(stored(leaves));
        for (let size = 1; size <= leaves.length; size++) {
          const root = rootOf(leaves.slice(0, size));
          for (let i = 0; i < size; i++)
            expect(verifyInclusion(i, size, leaves[i]!, proveInclusion(size, i, read), root)).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("every consistency proof verifies", () => {
    fc.assert(
      fc.property(leavesArb, (leaves) => {
        const read = reader(stored(leaves));
        for (let to = 1; to <= leaves.length; to++)
          for (let from = 1; from <= to; from++)
            expect(
              verifyConsistency(
                from,
                to,
                proveConsistency(from, to, read),
                rootOf(leaves.slice(0, from)),
                rootOf(leaves.slice(0, to)),
              ),
            ).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it("an inclusion proof fails for any flipped byte in the leaf, a proof hash or the root, another index or another tree", () => {
    fc.assert(
      fc.property(
        leavesArb.filter((l) => l.length >= 2),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (leaves, a, b, at) => {
          const read = reader(stored(leaves));
          const size = 2 + (a % (leaves.length - 1));
          const i = b % size;
          const root = rootOf(leaves.slice(0, size));
          const proof = proveInclusion(size, i, read);
          expect(verifyInclusion(i, size, flip(leaves[i]!, at), proof, root)).toBe(false);
          expect(verifyInclusion(i, size, leaves[i]!, proof, flip(root, at))).toBe(false);
          const k = at % proof.length;
          expect(
            verifyInclusion(
              i,
              size,
              leaves[i]!,
              proof.map((p, j) => (j === k ? flip(p, at) : p)),
              root,
            ),
          ).toBe(false);
          expect(verifyInclusion((i + 1) % size, size, leaves[i]!, proof, root)).toBe(false);
          // the same proof against another size's real root (another checkpoint)
          for (const other of [size - 1, size + 1])
            if (other >= 1 && other <= leaves.length && i < other)
              expect(verifyInclusion(i, other, leaves[i]!, proof, rootOf(leaves.slice(0, other)))).toBe(false);
          expect(verifyInclusion(i, size, leaves[i]!, [...proof, leaves[0]!], root)).toBe(false);
          expect(verifyInclusion(i, size, leaves[i]!, proof.slice(1), root)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a consistency proof fails for any flipped byte in a proof hash or either root, or other sizes", () => {
    fc.assert(
      fc.property(
        leavesArb.filter((l) => l.length >= 3),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (leaves, a, b, at) => {
          const read = reader(stored(leaves));
          const to = 2 + (a % (leaves.length - 1));
          const from = 1 + (b % (to - 1)); // from < to: the proof is not empty
          const r1 = rootOf(leaves.slice(0, from));
          const r2 = rootOf(leaves.slice(0, to));
          const proof = proveConsistency(from, to, read);
          expect(verifyConsistency(from, to, proof, flip(r1, at), r2)).toBe(false);
          expect(verifyConsistency(from, to, proof, r1, flip(r2, at))).toBe(false);
          const k = at % proof.length;
          expect(
            verifyConsistency(
              from,
              to,
              proof.map((p, j) => (j === k ? flip(p, at) : p)),
              r1,
              r2,
            ),
          ).toBe(false);
          expect(verifyConsistency(from, to, [], r1, r2)).toBe(false);
          for (const [f, t] of [
            [from + 1, to],
            [from, to + 1],
            [from - 1, to],
          ] as const)
            if (f >= 1 && f < t && t <= leaves.length && (f !== from || t !== to))
              expect(verifyConsistency(f, t, proof, rootOf(leaves.slice(0, f)), rootOf(leaves.slice(0, t)))).toBe(
                false,
              );
        },
      ),
      { numRuns: 200 },
    );
  });
});
