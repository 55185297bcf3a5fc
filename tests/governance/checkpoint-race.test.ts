// A checkpoint signs the tree of exactly the entries it counts. The job reads the head, then walks the
// entries since its last checkpoint; an audited change that commits meanwhile must not slip into the
// walk: the job would sign the root of a larger tree under the smaller count, and every later
// verification would call the log rewritten (seen under load: "entries 341–355 were rewritten").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setFrozen } from "@/lib/action-types/mutations";
import { verifySinceCheckpoint } from "@/lib/audit/verify-db";
import { treeRootAt } from "@/lib/audit/tree";
import { RATIONALE, eligibleCrawl, later, openWorld, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
}, 120_000);
afterAll(async () => w?.database.close());

describe("the checkpoint job's walk", () => {
  it("stops at the head it read: entries appended after it belong to the next checkpoint", async () => {
    const s = await eligibleCrawl(w.db);
    const head = (await w.db.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))!.seq;
    const count = await w.db.auditEntry.count({ where: { seq: { lte: head } } });
    // Appended after the job read its head, before it walks.
    for (let i = 0; i < 3; i++)
      await setFrozen(
        w.db,
        w.people.reviewer1,
        { actionTypeId: s.id, frozen: i % 2 === 0, rationale: RATIONALE },
        later(i),
      );
    const checked = await verifySinceCheckpoint(w.db, null, { seq: head, count });
    expect(checked.broken).toBeNull();
    if (checked.broken) return;
    expect(checked.tree.size).toBe(count);
    expect(checked.tree.root).toEqual(await treeRootAt(w.db, count));
  });
});
