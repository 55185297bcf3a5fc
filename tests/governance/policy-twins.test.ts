// A loosening sent twice (a double click, a second tab) must not open two twin requests: the second
// send is refused with the first request's id, and a different loosening is still its own request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "@cwr/gating";
import type { PolicyRules } from "@cwr/gating/types";
import { editPolicy } from "@/lib/policies/mutations";
import { httpStatus } from "@/lib/http/errors";
import { NOW, newSubject, openWorld, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(() => w.database.close());

const REASON = "Acceptance has been steady; try a slightly lower bar.";
function lower(by: number): PolicyRules {
  const r = structuredClone(defaultPolicy("low"));
  r.tiers.CRAWL.promotion!.threshold -= by;
  return r;
}

describe("duplicate loosenings", () => {
  it("the same loosening twice is one request; the second send says which one", async () => {
    const s = await newSubject(w.db);
    const first = await editPolicy(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, rules: lower(0.02), reason: REASON },
      NOW,
    );
    expect(first.outcome).toBe("review");
    const again = editPolicy(w.db, w.people.admin, { actionTypeId: s.id, rules: lower(0.02), reason: REASON }, NOW);
    // the status is the HTTP edge's reading of the code (lib/http/errors), no longer a field of the error
    const err = await again.catch((e: unknown) => e);
    expect({ ...(err as object), status: httpStatus(err as never) }).toMatchObject({
      code: "conflict",
      status: 409,
      details: { requestId: (first as { requestId: string }).requestId },
    });
    expect(await w.db.reviewRequest.count({ where: { actionTypeId: s.id, kind: "policy_change" } })).toBe(1);
    // Another loosening is another request.
    const other = await editPolicy(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, rules: lower(0.03), reason: REASON },
      NOW,
    );
    expect(other.outcome).toBe("review");
    expect(
      await w.db.reviewRequest.count({ where: { actionTypeId: s.id, kind: "policy_change", status: "open" } }),
    ).toBe(2);
  });
});
