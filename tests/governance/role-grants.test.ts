// SPEC §3 rule 10: no one person alone. Granting review power is a request a second reviewer or admin
// approves with a rationale; until then the account cannot review. With roles from the identity
// provider (AUTH_OIDC_ROLES_CLAIM), no local grant of review power exists.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { userActor } from "@/lib/auth/actor";
import { changeRole, createUser, decideRoleGrant, upsertOidcUser } from "@/lib/users/mutations";
import { acceptInvitation } from "@/lib/users/mutations";
import { openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import { JUSTIFICATION, NOW, RATIONALE, eligibleCrawl, openWorld, refused, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => w?.database.close());
afterEach(() => {
  delete process.env.AUTH_OIDC_ROLES_CLAIM;
});

const principal = async (id: string) => {
  const u = await w.db.user.findUniqueOrThrow({
    where: { id },
    select: { id: true, email: true, name: true, role: true },
  });
  return u;
};

describe("rule 10: review power needs a second person", () => {
  it("an admin's new reviewer is a viewer until someone else approves; it cannot review meanwhile", async () => {
    const s = await eligibleCrawl(w.db, "high");
    const req = await openPromotionRequest(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, kind: "override", justification: JUSTIFICATION },
      NOW,
    );
    const created = await createUser(w.db, userActor(w.people.admin), {
      email: "sock@test.local",
      name: "Sock",
      role: "reviewer",
    });
    expect(created).toMatchObject({ role: "viewer", pendingRole: "reviewer" });
    await refused(
      reviewRequest(
        w.db,
        await principal(created.id),
        { requestId: req.id, decision: "approve", rationale: RATIONALE, snapshotHash: req.snapshotHash },
        NOW,
      ),
      "forbidden_role",
      403,
    );
    await refused(
      decideRoleGrant(w.db, w.people.admin, { grantId: created.grantId!, decision: "approve", rationale: RATIONALE }),
      "self_grant",
      403,
    );
    await refused(
      decideRoleGrant(w.db, await principal(created.id), {
        grantId: created.grantId!,
        decision: "approve",
        rationale: RATIONALE,
      }),
      "forbidden_role",
      403,
    );
    await refused(
      decideRoleGrant(w.db, w.people.engineer, {
        grantId: created.grantId!,
        decision: "approve",
        rationale: RATIONALE,
      }),
      "forbidden_role",
      403,
    );
    // Issue 21: nobody can vouch for an account whose owner has not yet claimed it.
    await refused(
      decideRoleGrant(w.db, w.people.reviewer1, {
        grantId: created.grantId!,
        decision: "approve",
        rationale: RATIONALE,
      }),
      "invitation_pending",
      409,
    );
    await acceptInvitation(w.db, { token: created.invitation!.token, password: "the-invitee-own-password" });
    await refused(
      decideRoleGrant(w.db, w.people.reviewer1, {
        grantId: created.grantId!,
        decision: "approve",
        rationale: "ok".padEnd(30, "\u200b"),
      }),
      "rationale_too_short",
      422,
    );
    expect((await principal(created.id)).role).toBe("viewer");
    expect(
      await decideRoleGrant(w.db, w.people.reviewer1, {
        grantId: created.grantId!,
        decision: "approve",
        rationale: RATIONALE,
      }),
    ).toEqual({ status: "approved", role: "reviewer" });
    expect((await principal(created.id)).role).toBe("reviewer");
    await refused(
      decideRoleGrant(w.db, w.people.reviewer2, {
        grantId: created.grantId!,
        decision: "approve",
        rationale: RATIONALE,
      }),
      "not_open",
      409,
    );
  });

  it("taking review power away applies at once; a grant whose user's role moved meanwhile is refused (rule 11)", async () => {
    const u = await createUser(w.db, userActor(w.people.admin), {
      email: "moving@test.local",
      name: "Moving",
      role: "viewer",
    });
    const ask = await changeRole(w.db, userActor(w.people.admin), { userId: u.id, role: "admin" });
    expect(ask).toMatchObject({ changed: false, pendingRole: "admin" });
    expect(await changeRole(w.db, userActor(w.people.admin2), { userId: u.id, role: "auditor" })).toMatchObject({
      changed: true,
    });
    expect((await w.db.roleGrant.findUniqueOrThrow({ where: { id: ask.grantId! } })).status).toBe("withdrawn");
  });

  it("with roles from the identity provider, no local grant of review power exists; the claim decides at sign-in", async () => {
    process.env.AUTH_OIDC_ROLES_CLAIM = "groups";
    const u = await createUser(w.db, userActor(w.people.admin), {
      email: "idp@test.local",
      name: "IdP",
      role: "viewer",
    });
    await refused(
      changeRole(w.db, userActor(w.people.admin), { userId: u.id, role: "reviewer" }),
      "roles_from_identity_provider",
      403,
    );
    await refused(
      createUser(w.db, userActor(w.people.admin), { email: "idp2@test.local", name: "IdP 2", role: "admin" }),
      "roles_from_identity_provider",
      403,
    );
    expect((await upsertOidcUser(w.db, { email: "idp@test.local", name: "IdP", role: "reviewer" })).role).toBe(
      "reviewer",
    );
    expect((await principal(u.id)).role).toBe("reviewer");
  });
});
