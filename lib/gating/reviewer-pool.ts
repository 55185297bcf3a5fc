// Reviewer pools (issue 25 item 4): a policy may name who may approve promotions out of each tier.
// No pool means every reviewer. Which way a change of the pool goes is decided by whom it admits:
// admitting anyone the old pool did not is a loosening; anything else narrows and applies at once. Pure.
import type { PolicyRules, RequestKind, ReviewerPool, Role, Tier } from "./types";
import { POOL_ROLES } from "./types";

export type { ReviewerPool };

/** Is this person in the pool? (No pool: everyone; review power itself is checked by checkReview.) */
export function inPool(pool: ReviewerPool | undefined, who: { id: string; role: Role }): boolean {
  if (!pool) return true;
  return (pool.users ?? []).includes(who.id) || (pool.roles ?? []).some((r) => r === who.role);
}

/** The pool that judges this request: a promotion's or override's tier left; a policy change has none. */
export function poolFor(
  rules: PolicyRules,
  request: { kind: RequestKind; fromTier: Tier | null },
): ReviewerPool | undefined {
  if (request.kind === "policy_change" || !request.fromTier) return undefined;
  return rules.tiers[request.fromTier]?.promotion?.pool;
}

/**
 * Narrowing or widening. `after` admits no one `before` refused exactly when each of its roles is in
 * `before`'s roles and each of its people is named by `before` (a person's role is not known here, so
 * a newly named person counts as admitted even if their role group was in the pool: not derivable is
 * a loosening, SPEC §3 rule 6).
 */
export function comparePools(
  before: ReviewerPool | undefined,
  after: ReviewerPool | undefined,
): "unchanged" | "tighten" | "loosen" {
  if (samePool(before, after)) return "unchanged";
  if (!after) return "loosen";
  if (!before) return "tighten";
  const roles = new Set(before.roles ?? []);
  const users = new Set(before.users ?? []);
  const narrower = (after.roles ?? []).every((r) => roles.has(r)) && (after.users ?? []).every((u) => users.has(u));
  return narrower ? "tighten" : "loosen";
}

function samePool(a: ReviewerPool | undefined, b: ReviewerPool | undefined): boolean {
  if (!a || !b) return !a && !b;
  const same = (x: readonly string[] = [], y: readonly string[] = []) => {
    const sx = new Set(x);
    const sy = new Set(y);
    return sx.size === sy.size && [...sx].every((v) => sy.has(v));
  };
  return same(a.users, b.users) && same(a.roles, b.roles);
}

/** Problems of a tier's pool: empty, an unknown role, or fewer named people than the approvals needed. */
export function poolProblems(tier: Tier, pool: ReviewerPool | undefined, approvalsNeeded: number): string[] {
  if (!pool) return [];
  const users = pool.users ?? [];
  const roles = pool.roles ?? [];
  const problems: string[] = [];
  if (users.length + roles.length === 0)
    problems.push(`${tier}: the reviewer pool is empty (leave it out to let every reviewer approve)`);
  for (const r of roles)
    if (!(POOL_ROLES as readonly string[]).includes(r))
      problems.push(
        `${tier}: the reviewer pool's role group must be one of ${POOL_ROLES.join(", ")}, got ${String(r)}`,
      );
  if (new Set(users).size !== users.length) problems.push(`${tier}: the reviewer pool names someone twice`);
  if (roles.length === 0 && users.length > 0 && new Set(users).size < approvalsNeeded)
    problems.push(
      `${tier}: the reviewer pool names ${new Set(users).size} ${new Set(users).size === 1 ? "person" : "people"}, fewer than the ${approvalsNeeded} approvals a promotion needs`,
    );
  return problems;
}

/** The pool in words, for the request page and refusals ("reviewer1, reviewer2 or any admin"). */
export function describePool(pool: ReviewerPool | undefined, nameOf: (id: string) => string = (id) => id): string {
  if (!pool) return "every reviewer";
  const parts = [...(pool.users ?? []).map(nameOf), ...(pool.roles ?? []).map((r) => `any ${r}`)];
  if (parts.length <= 1) return parts[0] ?? "nobody";
  return `${parts.slice(0, -1).join(", ")} or ${parts[parts.length - 1]}`;
}
