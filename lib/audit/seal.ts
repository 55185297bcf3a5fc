// What a reader is shown of the chain while requests are open (SPEC §3 rule 3: blindness covers
// counts). An open request's review entries are sealed, and so is their number: every seq, count or
// checkpoint past the seal horizon would tell how many entries were appended, and one rejection
// closes a request, so on an open one that number is the tally. The horizon is the first entry
// about the oldest open request (its opening): nothing at or before it can be one of its reviews,
// and where it lies does not depend on any review. Verification still walks the whole chain.
import type { Checkpoint } from "./checkpoints";
import type { AuditVerdict } from "./verify";

/** The verdict as readers see it: counts, seqs and checkpoints up to the horizon only. */
export interface ReaderVerdict extends AuditVerdict {
  /** entries after this seq are verified but not counted or shown until the open requests close */
  sealedAfter: string | null;
}

/** Checkpoints a reader may see: those at or before the horizon (later ones count later entries). */
export function checkpointsForReaders(checkpoints: readonly Checkpoint[], horizon: bigint | null): Checkpoint[] {
  return horizon === null ? [...checkpoints] : checkpoints.filter((c) => BigInt(c.seq) <= horizon);
}

export function verdictForReaders(
  verdict: AuditVerdict,
  checkpoints: readonly Checkpoint[],
  horizon: bigint | null,
): ReaderVerdict {
  if (horizon === null) return { ...verdict, sealedAfter: null };
  const shown = checkpointsForReaders(checkpoints, horizon).sort((a, b) =>
    BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0,
  );
  const latest = shown[shown.length - 1] ?? null;
  const last = verdict.lastSeq === null ? null : BigInt(verdict.lastSeq);
  const counted = { ...verdict };
  delete counted.tree; // the root over every entry would change with each sealed one
  return {
    ...counted,
    checked: Math.min(verdict.checked, Number(horizon)),
    lastSeq: last === null ? null : (last < horizon ? last : horizon).toString(),
    checkpoints: {
      total: shown.length,
      matched: Math.min(verdict.checkpoints.matched, shown.length),
      latest: latest ? { seq: latest.seq, at: latest.at } : null,
    },
    sealed: 0,
    sealedAfter: horizon.toString(),
  };
}

/**
 * Why a proof may not be served, or null: sizes are whole numbers, index < size, 1 ≤ from ≤ to, and no
 * tree larger than the readers' size (the seal horizon, else the log): a larger one would count sealed entries.
 */
export function proofRangeProblem(
  q: { kind: "inclusion"; index: number; size: number } | { kind: "consistency"; from: number; to: number },
  readable: number,
): { message: string; details: Record<string, number> } | null {
  const size = q.kind === "inclusion" ? q.size : q.to;
  if (q.kind === "inclusion" && !(q.index < q.size))
    return {
      message: `index must be below size (leaves are numbered from 0).`,
      details: { index: q.index, size: q.size },
    };
  if (q.kind === "consistency" && !(q.from >= 1 && q.from <= q.to))
    return { message: `from must be at least 1 and at most to.`, details: { from: q.from, to: q.to } };
  if (size < 1 || size > readable)
    return {
      message: `The tree size must be between 1 and ${readable}, the entries readers may see${readable ? "" : " (none yet)"}.`,
      details: { max: readable },
    };
  return null;
}
