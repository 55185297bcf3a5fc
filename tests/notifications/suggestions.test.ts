// Webhook kinds of the suggestions queue (issue 22): "suggestion waiting" when an agent proposes,
// "suggestion decided" when a person (or a system of record) accepts, edits or rejects. The outbox is
// written in the change's own transaction, on the real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createWebhookEndpoint } from "@/lib/notifications/mutations";
import { NOTIFICATION_KINDS, notificationKindFor } from "@/lib/notifications/kinds";
import { createProposal, decideSuggestion } from "@/lib/proposals/mutations";
import { newSubject, openWorld, type World } from "../governance/world";

let w: World;
beforeAll(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE = "1";
  w = await openWorld();
});
afterAll(async () => w?.database.close());

describe("suggestion notifications", () => {
  it("maps proposal.created to suggestion.waiting and every decision to suggestion.decided", () => {
    expect(NOTIFICATION_KINDS).toEqual(expect.arrayContaining(["suggestion.waiting", "suggestion.decided"]));
    expect(notificationKindFor("proposal.created")).toBe("suggestion.waiting");
    for (const k of ["suggestion.accepted", "suggestion.edited", "suggestion.rejected"])
      expect(notificationKindFor(k)).toBe("suggestion.decided");
    expect(notificationKindFor("proposal.consumed")).toBeNull();
  });

  it("writes one waiting and one decided event to the outbox of a subscribed endpoint", async () => {
    await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "front line",
      url: "http://127.0.0.1:9/hook",
      kinds: ["suggestion.waiting", "suggestion.decided"],
      format: "standard",
    });
    const s = await newSubject(w.db);
    const { proposal } = await createProposal(w.db, s.agent, {
      idempotencyKey: "n-1",
      action: s.key,
      audience: "external",
      subject: "customer:1",
      summary: "Refund order N-1",
      parameters: { amount: 5 },
    });
    await decideSuggestion(w.db, w.people.admin, proposal.id, { type: "accept" });
    const told = await w.db.outboxEvent.findMany({
      where: { payload: { path: ["data", "entity", "id"], equals: proposal.id } },
      select: { kind: true },
    });
    expect(told.map((e) => e.kind).sort()).toEqual(["suggestion.decided", "suggestion.waiting"]);
  });
});
