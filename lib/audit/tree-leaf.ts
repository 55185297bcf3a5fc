// The leaf of an audit entry in the Merkle tree (issue 24): the entry's existing hash (its 64 hex digits
// as 32 bytes) is the leaf's data, so the leaf hash is SHA-256(0x00 || those bytes). The hash already
// covers the entry's canonical content and its place in the chain; anyone holding an export can
// recompute every leaf. Pure, shared by the database side (tree.ts) and offline verification (verify.ts).
import { leafHash, type Hash } from "./merkle";

export const entryLeaf = (entryHashHex: string): Hash => leafHash(Buffer.from(entryHashHex, "hex"));
