// What the transparency-log routes serve (issue 24; GET /api/v1/audit/*): the newest signed C2SP
// checkpoint, the verifier key, and inclusion and consistency proofs from the stored tree. Readers see
// the tree up to the seal horizon only (lib/audit/seal.ts): a size past it would count sealed entries.
import { createPublicKey } from "node:crypto";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { signingKey } from "./checkpoints";
import { cosignedNote, headSeq, latestSignedCheckpoint, sealHorizon } from "./data";
import { verifierKey } from "./note";
import { proofRangeProblem } from "./seal";
import { auditOrigin, consistencyProofAt, inclusionProofAt, TreeIncomplete } from "./tree";

/** The public verifier key in the note format ("<origin>+<key hash>+<base64 key>"). */
export function auditVerifierKey(): string {
  return verifierKey(auditOrigin(), createPublicKey(signingKey()));
}

/** The tree size readers may ask about: up to the seal horizon, else the whole log. */
async function readableSize(db: Db): Promise<number> {
  return Number((await sealHorizon(db)) ?? (await headSeq(db)));
}

/** The newest signed checkpoint within the seal horizon, as its signed note. */
export async function publishedCheckpoint(db: Db): Promise<string> {
  const c = await latestSignedCheckpoint(db, await sealHorizon(db));
  if (!c) throw new AppError("not_found", "No checkpoint of the audit tree has been signed yet; try again shortly.");
  return cosignedNote(db, c.size, c.note);
}

async function fromTree<T>(compute: () => Promise<T>): Promise<T> {
  try {
    return await compute();
  } catch (e) {
    if (e instanceof TreeIncomplete)
      throw new AppError(
        "unavailable",
        "The audit tree is not complete yet (it is being caught up); try again shortly.",
      );
    throw e;
  }
}

const b64 = (hashes: Buffer[]) => hashes.map((h) => h.toString("base64"));

export async function inclusionProof(db: Db, index: number, size: number) {
  const problem = proofRangeProblem({ kind: "inclusion", index, size }, await readableSize(db));
  if (problem) throw new AppError("bad_request", problem.message, problem.details);
  return { index, size, proof: b64(await fromTree(() => inclusionProofAt(db, index, size))) };
}

export async function consistencyProof(db: Db, from: number, to: number) {
  const problem = proofRangeProblem({ kind: "consistency", from, to }, await readableSize(db));
  if (problem) throw new AppError("bad_request", problem.message, problem.details);
  return { from, to, proof: b64(await fromTree(() => consistencyProofAt(db, from, to))) };
}
