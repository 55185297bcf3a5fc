// Issue 25: a request to grant a role (review power, SPEC §3 rule 10) waits for a second reviewer or
// admin, yet "Awaiting my review" and the navigation's badge did not count it. One count, everywhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userActor } from "@/lib/auth/actor";
import { changeRole, decideRoleGrant } from "@/lib/users/mutations";
import { requestsScreen } from "@/lib/requests/inbox";
import { openWorld, RATIONALE, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
}, 60_000);
afterAll(async () => w?.database.close());

const awaiting = async (who: keyof World["people"]) =>
  (await requestsScreen(w.db, w.people[who], "awaiting")).counts.awaiting;

describe("a role grant is counted as awaiting review", () => {
  it("counts for every other reviewer and admin, not for who asked, and no longer once decided", async () => {
    expect(await awaiting("reviewer1")).toBe(0);
    const ask = await changeRole(w.db, userActor(w.people.admin), { userId: w.people.engineer.id, role: "reviewer" });
    expect(ask).toMatchObject({ changed: false, pendingRole: "reviewer" });

    expect(await awaiting("reviewer1")).toBe(1);
    expect(await awaiting("admin2")).toBe(1);
    expect(await awaiting("admin")).toBe(0); // who asked cannot approve it
    expect(await awaiting("auditor")).toBe(0);

    await decideRoleGrant(w.db, w.people.reviewer1, {
      grantId: ask.grantId!,
      decision: "approve",
      rationale: RATIONALE,
    });
    expect(await awaiting("reviewer2")).toBe(0);
  });
});
