// The Users page disables one's own Change role and Disable; the server refuses them regardless
// (a crafted call must fail the same way), and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userActor } from "@/lib/auth/actor";
import { changeRole, setUserDisabled } from "@/lib/users/mutations";
import { openWorld, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(() => w.database.close());

describe("an admin's own account", () => {
  it("cannot change its own role or disable itself", async () => {
    const me = w.people.admin;
    await expect(changeRole(w.db, userActor(me), { userId: me.id, role: "viewer" })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(setUserDisabled(w.db, userActor(me), { userId: me.id, disabled: true })).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(await w.db.user.findUniqueOrThrow({ where: { id: me.id }, select: { role: true, disabled: true } })).toEqual(
      { role: "admin", disabled: false },
    );
  });
});
