// Audit kinds are a closed list with a schema per kind: appendAudit refuses an unknown kind or data
// that does not fit, inside the caller's transaction, so the change it was to record rolls back with it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_KIND_GROUPS, AUDIT_KIND_LIST, AUDIT_KINDS, TIER_AUDIT_KIND, type AuditKind } from "@/lib/audit/kinds";
import { appendAudit, SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { TIER_CHANGE_CAUSES } from "@cwr/gating/types";
import { NOW, openWorld, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => {
  await w?.database.close();
});

async function attempt(kind: string, data: Record<string, unknown>): Promise<unknown> {
  return w.db
    .$transaction(async (tx) => {
      await tx.agent.create({
        data: { slug: `kinds-${Math.random().toString(36).slice(2, 10)}`, name: "rolled back", owner: "test" },
      });
      await appendAudit(
        tx,
        { actor: SYSTEM_ACTOR, kind: kind as AuditKind, entityType: "test", entityId: "t", data },
        NOW,
      );
    })
    .then(
      () => null,
      (e: unknown) => e,
    );
}

describe("audit kinds", () => {
  it("refuses a misspelled kind and data missing a field; nothing of the change is written", async () => {
    const before = { audit: await w.db.auditEntry.count(), agents: await w.db.agent.count() };
    expect(String(await attempt("tier.promoted", { from: "CRAWL", to: "WALK", frozen: false }))).toMatch(
      /tier\.promoted/,
    );
    expect(String(await attempt("tier.promotion", { from: "CRAWL", to: "SPRINT", frozen: false }))).toMatch(
      /data does not fit/,
    );
    expect(String(await attempt("api_key.revoked", {}))).toMatch(/prefix/);
    expect({ audit: await w.db.auditEntry.count(), agents: await w.db.agent.count() }).toEqual(before);
    expect(await attempt("api_key.revoked", { prefix: "cwr_live_ab12" })).toBeNull();
    expect(await w.db.auditEntry.count()).toBe(before.audit + 1);
  });

  it("names each tier-change cause's kind from the list, and the filter offers every kind people cause", () => {
    for (const cause of TIER_CHANGE_CAUSES) expect(AUDIT_KIND_LIST).toContain(TIER_AUDIT_KIND[cause]);
    const offered = AUDIT_KIND_GROUPS.flatMap((g) => g.kinds.map((k) => k.kind));
    expect(new Set(offered).size).toBe(offered.length);
    expect(AUDIT_KIND_LIST.filter((k) => !offered.includes(k))).toEqual(
      AUDIT_KIND_LIST.filter((k) => AUDIT_KINDS[k].group === "tooling"),
    );
  });
});
