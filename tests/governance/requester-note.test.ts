// Issue 25 item 3: the requester's note is required for overrides and loosenings. The rule is in
// lib/gating, so no caller (form, API, seed, a future script) can open one without it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "@cwr/gating";
import { userActor } from "@/lib/auth/actor";
import { TX_OPTIONS } from "@/lib/db/locks";
import { openPromotionRequest } from "@/lib/requests/mutations";
import { changeState } from "@/lib/state/interpreter";
import { NOW, newSubject, openWorld, refusedWithoutEffect, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => {
  await w?.database.close();
});

describe("the requester's note", () => {
  it("a loosening without a note is refused with a clear error and changes nothing", async () => {
    const s = await newSubject(w.db, "low");
    const looser = defaultPolicy("low");
    looser.tiers.CRAWL.promotion!.minSamples = 20;
    const admin = w.people.admin;
    for (const reason of ["", "   ", "too short"]) {
      const err = await refusedWithoutEffect(
        w.db,
        s.id,
        () =>
          w.db.$transaction(
            (tx) =>
              changeState(
                tx,
                { actionTypeId: s.id },
                {
                  type: "edit_policy",
                  rules: looser,
                  reason,
                  requester: { id: admin.id, role: admin.role },
                  actor: userActor(admin),
                },
                NOW,
              ),
            TX_OPTIONS,
          ),
        "justification_too_short",
        422,
      );
      expect(err.message).toMatch(/justification/);
    }
  });

  it("an override without a note is refused and changes nothing", async () => {
    const s = await newSubject(w.db, "low");
    for (const justification of [undefined, ""]) {
      await refusedWithoutEffect(
        w.db,
        s.id,
        () =>
          openPromotionRequest(
            w.db,
            w.people.admin,
            { actionTypeId: s.id, kind: "override", ...(justification !== undefined ? { justification } : {}) },
            NOW,
          ),
        "justification_too_short",
        422,
      );
    }
  });
});
