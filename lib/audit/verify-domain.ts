// The verifier's cross-check of entry kinds against their domain rows (lib/gating/audit-crosscheck.ts):
// while a walk reads the log, the entries that claim a review are collected; afterwards their requests
// and review rows are read once, and the first entry they contradict is named.
import type { Db } from "@/lib/db";
import { isReviewClaim, reviewClaimContradiction, type ReviewClaim } from "@cwr/gating/audit-crosscheck";
import { requestFactsOf } from "./data";
import type { VerifiableEntry } from "./verify";

/** Passes the entries through, keeping those that claim a review in `claims`. */
export async function* collectReviewClaims<E extends VerifiableEntry>(
  entries: AsyncIterable<E>,
  claims: ReviewClaim[],
): AsyncGenerator<E> {
  for await (const e of entries) {
    if (isReviewClaim(e.kind))
      claims.push({
        seq: e.seq.toString(),
        kind: e.kind,
        actorId: e.actorId ?? null,
        actorLabel: e.actorLabel,
        entityId: e.entityId,
        data: e.data,
      });
    yield e;
  }
}

/** The first claim (lowest seq) its request's rows contradict, or null. */
export async function firstContradiction(
  db: Db,
  claims: readonly ReviewClaim[],
): Promise<{ seq: string; reason: string } | null> {
  if (claims.length === 0) return null;
  const facts = await requestFactsOf(
    db,
    claims.map((c) => c.entityId),
  );
  for (const c of claims) {
    const reason = reviewClaimContradiction(c, facts.get(c.entityId) ?? null);
    if (reason) return { seq: c.seq, reason };
  }
  return null;
}
