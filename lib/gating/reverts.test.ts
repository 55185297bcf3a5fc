// Which reverts are valid, and what a valid one does (SPEC §2 Metric): one rule each, in the core.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { revertedSuccess, revertProblem, type RevertTarget } from "./reverts";
import { EVENT_KINDS, TIERS } from "./types";

const T0 = Date.parse("2026-06-01T10:00:00Z");
const completed: RevertTarget = {
  kind: "action.completed",
  tier: "WALK",
  occurredAt: T0,
  agentVersion: "v1",
  sameActionType: true,
};
const revert = (occurredAt = T0 + 60_000) => ({ reverts: "done-1", occurredAt });

describe("revertProblem: which reverts are valid", () => {
  it("a revert of an action.completed of the same action type, after it, not yet reverted, is valid", () => {
    expect(revertProblem(revert(), completed, false)).toBeNull();
  });

  it("refuses an unknown event, another action type's, a non-completion, a second revert and a revert before it", () => {
    expect(revertProblem(revert(), undefined, false)).toMatch(/names no event of this agent and action type: done-1/);
    expect(revertProblem(revert(), { ...completed, sameActionType: false }, false)).toMatch(/names no event/);
    expect(revertProblem(revert(), { ...completed, kind: "action.escalated" }, false)).toMatch(
      /must name an action.completed, done-1 is a action.escalated/,
    );
    expect(revertProblem(revert(), completed, true)).toMatch(/done-1 is already reverted/);
    expect(revertProblem(revert(T0 - 1), completed, false)).toMatch(/cannot occur before the event it reverts/);
  });

  it("refuses a revert at the very instant of the event it reverts: it must come after it", () => {
    // Same instant: the order in which the fold meets the two would decide what the revert does.
    expect(revertProblem(revert(T0), completed, false)).toMatch(/must occur after the event it reverts/);
  });

  it("is valid exactly when every condition holds (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_KINDS),
        fc.constantFrom(...TIERS),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: -5, max: 5 }),
        fc.boolean(),
        (kind, tier, same, taken, dt, exists) => {
          const target = exists ? { ...completed, kind, tier, sameActionType: same } : undefined;
          const valid = exists && same && kind === "action.completed" && !taken && dt > 0;
          expect(revertProblem(revert(T0 + dt), target, taken) === null).toBe(valid);
        },
      ),
    );
  });
});

describe("revertedSuccess: what a valid revert does", () => {
  it("the success it names becomes a failure on that event's own tier and day; nothing else changes", () => {
    expect(revertedSuccess(completed)).toEqual({ tier: "WALK", occurredAt: T0 });
    expect(revertedSuccess({ ...completed, tier: "RUN" })).toBeNull(); // an internal action at RUN counted for nothing
    expect(revertedSuccess({ ...completed, tier: "CRAWL" })).toBeNull();
  });
});
