// SPEC §3 rule 11: one decision, one change. A change names the state it was decided on; a moved state
// answers 409 with what changed, and nothing changes — on the real database, both backends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoteManually, setFrozen } from "@/lib/action-types/mutations";
import { editPolicy } from "@/lib/policies/mutations";
import { defaultPolicy } from "@cwr/gating";
import { NOW, RATIONALE, eligibleWalk, later, openWorld, refused, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => w?.database.close());

const state = (id: string) =>
  w.db.actionType.findUniqueOrThrow({ where: { id }, select: { tier: true, frozen: true, stateVersion: true } });

describe("rule 11: one decision, one change", () => {
  it("the same demote decision twice demotes once; the refusal says what moved", async () => {
    const s = await eligibleWalk(w);
    const before = await state(s.id);
    const decided = { tier: before.tier, stateVersion: before.stateVersion };
    await demoteManually(
      w.db,
      w.people.reviewer1,
      { actionTypeId: s.id, rationale: RATIONALE, expected: decided },
      later(1),
    );
    const err = await refused(
      demoteManually(
        w.db,
        w.people.reviewer1,
        { actionTypeId: s.id, rationale: RATIONALE, expected: decided },
        later(2),
      ),
      "state_moved",
      409,
    );
    expect(err.details).toMatchObject({
      changed: { tier: { was: "WALK", now: "CRAWL" }, stateVersion: { was: before.stateVersion } },
    });
    expect(await w.db.tierChange.count({ where: { actionTypeId: s.id, cause: "manual_demotion" } })).toBe(1);
  });

  it("two reviewers demoting at once demote once; a freeze decided on an older state is refused", async () => {
    const s = await eligibleWalk(w);
    const before = await state(s.id);
    const decided = { tier: before.tier, stateVersion: before.stateVersion };
    const results = await Promise.allSettled([
      demoteManually(
        w.db,
        w.people.reviewer1,
        { actionTypeId: s.id, rationale: RATIONALE, expected: decided },
        later(10),
      ),
      demoteManually(
        w.db,
        w.people.reviewer2,
        { actionTypeId: s.id, rationale: RATIONALE, expected: decided },
        later(10),
      ),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await w.db.tierChange.count({ where: { actionTypeId: s.id, cause: "manual_demotion" } })).toBe(1);
    await refused(
      setFrozen(
        w.db,
        w.people.reviewer1,
        {
          actionTypeId: s.id,
          frozen: true,
          rationale: RATIONALE,
          expected: { frozen: false, stateVersion: before.stateVersion },
        },
        later(20),
      ),
      "state_moved",
      409,
    );
    expect((await state(s.id)).frozen).toBe(false);
  });

  it("a policy edit based on an older version is refused and writes no version", async () => {
    const s = await eligibleWalk(w);
    const tighter = defaultPolicy("low");
    tighter.tiers.CRAWL.promotion!.minSamples += 10;
    const first = await editPolicy(
      w.db,
      w.people.admin,
      {
        actionTypeId: s.id,
        rules: tighter,
        reason: "Tighten the CRAWL bar after the incident review.",
        basedOnVersion: 1,
      },
      NOW,
    );
    expect(first).toMatchObject({ outcome: "applied", version: 2 });
    const again = structuredClone(tighter);
    again.tiers.CRAWL.promotion!.minSamples += 10;
    await refused(
      editPolicy(
        w.db,
        w.people.admin,
        {
          actionTypeId: s.id,
          rules: again,
          reason: "Tighten the CRAWL bar after the incident review.",
          basedOnVersion: 1,
        },
        later(5),
      ),
      "state_moved",
      409,
    );
    expect(await w.db.policy.count({ where: { actionTypeId: s.id } })).toBe(2);
  });
});
