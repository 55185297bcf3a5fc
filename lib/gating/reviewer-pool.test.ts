// Issue 25 item 4: reviewer pools. Who may approve a promotion out of a tier, and which way a change
// of the pool goes (widening loosens, narrowing tightens at once).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { classifyPolicyChange } from "./policy-diff";
import { awaitsReviewBy, checkReview } from "./reviews";
import { comparePools, inPool, poolFor, type ReviewerPool } from "./reviewer-pool";
import type { PolicyRules } from "./types";

const RATIONALE = "Evidence reviewed against the pinned bar; looks right.";
const open = { requesterId: "eng", status: "open" as const, snapshotHash: "h1", kind: "promotion" as const };

describe("inPool", () => {
  it("no pool: every reviewer; a pool: its users and its role group only", () => {
    expect(inPool(undefined, { id: "r1", role: "reviewer" })).toBe(true);
    const pool: ReviewerPool = { users: ["r2"], roles: ["admin"] };
    expect(inPool(pool, { id: "r1", role: "reviewer" })).toBe(false);
    expect(inPool(pool, { id: "r2", role: "reviewer" })).toBe(true);
    expect(inPool(pool, { id: "a1", role: "admin" })).toBe(true);
  });

  it("the pool of a promotion is its tier's; a policy change has none", () => {
    const rules = defaultPolicy("low");
    rules.tiers.CRAWL.promotion!.pool = { users: ["r2"] };
    expect(poolFor(rules, { kind: "promotion", fromTier: "CRAWL" })).toEqual({ users: ["r2"] });
    expect(poolFor(rules, { kind: "override", fromTier: "CRAWL" })).toEqual({ users: ["r2"] });
    expect(poolFor(rules, { kind: "promotion", fromTier: "WALK" })).toBeUndefined();
    expect(poolFor(rules, { kind: "policy_change", fromTier: null })).toBeUndefined();
  });
});

describe("checkReview and awaitsReviewBy follow the pool", () => {
  const pool: ReviewerPool = { users: ["r2"] };
  it("a reviewer outside the pool is refused with not_in_pool, saying why", () => {
    const r = checkReview({
      request: open,
      reviewer: { id: "r1", role: "reviewer" },
      existing: [],
      rationale: RATIONALE,
      pool,
    });
    expect(r).toMatchObject({ ok: false, code: "not_in_pool" });
    expect(!r.ok && r.message).toMatch(/pool/);
    expect(
      checkReview({
        request: open,
        reviewer: { id: "r2", role: "reviewer" },
        existing: [],
        rationale: RATIONALE,
        pool,
      }),
    ).toEqual({ ok: true });
  });
  it("the request does not wait for someone outside the pool", () => {
    expect(awaitsReviewBy({ id: "r1", role: "reviewer" }, open, [], pool)).toBe(false);
    expect(awaitsReviewBy({ id: "r2", role: "reviewer" }, open, [], pool)).toBe(true);
    expect(awaitsReviewBy({ id: "r1", role: "reviewer" }, open, [])).toBe(true);
  });
});

const ids = fc.uniqueArray(fc.constantFrom("u1", "u2", "u3", "u4", "u5"), { maxLength: 5 });
const roles = fc.uniqueArray(fc.constantFrom("reviewer" as const, "admin" as const), { maxLength: 2 });
const pool: fc.Arbitrary<ReviewerPool | undefined> = fc.option(
  fc.record({ users: ids, roles }).filter((p) => p.users.length + p.roles.length > 0),
  { nil: undefined },
);
const people = fc.array(
  fc.record({ id: fc.constantFrom("u1", "u2", "u3", "u4", "u5", "u6"), role: fc.constantFrom("reviewer", "admin") }),
);

function withPool(p: ReviewerPool | undefined): PolicyRules {
  const rules = defaultPolicy("medium");
  if (p) rules.tiers.WALK.promotion!.pool = p;
  return rules;
}

describe("policy-diff knows the pool (property)", () => {
  it("a change that lets anyone approve who could not before is a loosening; otherwise it is not", () => {
    fc.assert(
      fc.property(pool, pool, people, (before, after, who) => {
        const verdict = classifyPolicyChange(withPool(before), withPool(after)).verdict;
        const direction = comparePools(before, after);
        expect(verdict).toBe(direction);
        // Soundness: a "tighten" or "unchanged" never admits a person the old pool refused.
        if (verdict !== "loosen")
          for (const p of who)
            if (inPool(after, p as { id: string; role: "reviewer" | "admin" }))
              expect(inPool(before, p as { id: string; role: "reviewer" | "admin" })).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("examples: naming a pool narrows; dropping it or adding a person widens", () => {
    expect(classifyPolicyChange(withPool(undefined), withPool({ users: ["u1"] })).verdict).toBe("tighten");
    expect(classifyPolicyChange(withPool({ users: ["u1"] }), withPool(undefined)).verdict).toBe("loosen");
    expect(classifyPolicyChange(withPool({ users: ["u1"] }), withPool({ users: ["u1", "u2"] })).verdict).toBe("loosen");
    expect(classifyPolicyChange(withPool({ users: ["u1"] }), withPool({ roles: ["admin"] })).verdict).toBe("loosen");
    const change = classifyPolicyChange(withPool({ users: ["u1", "u2"] }), withPool({ users: ["u1"] }));
    expect(change.verdict).toBe("tighten");
    expect(change.changes).toEqual([
      { path: "tiers.WALK.promotion.pool", from: { users: ["u1", "u2"] }, to: { users: ["u1"] }, direction: "tighten" },
    ]);
  });
});
