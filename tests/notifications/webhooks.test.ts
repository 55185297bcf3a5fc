// Notifications end to end on a real database and a real local HTTP receiver: the outbox is written
// in the change's transaction, a delivery missed while the receiver is down arrives once it is back,
// exactly once per event id, signed so that an independent Standard Webhooks verifier accepts it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { appendAudit, SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import { setFrozen } from "@/lib/action-types/mutations";
import { createWebhookEndpoint, replayDeliveries, setWebhookEndpointEnabled } from "@/lib/notifications/mutations";
import { deliverDue, retryDelayMs, WEBHOOK_MAX_ATTEMPTS } from "@/lib/notifications/deliver";
import { listDeliveries, listWebhookEndpoints } from "@/lib/notifications/data";
import { verifyWebhook } from "@/lib/notifications/sign";
import { notificationKindFor } from "@/lib/notifications/kinds";
import { feed, newSubject, openWorld, RATIONALE, type World } from "../governance/world";
import { receiver, type Receiver } from "./receiver";
import { DAY_MS as DAY } from "@cwr/gating/types";

let w: World;
let hook: Receiver;

beforeAll(async () => {
  // The receiver is local (127.0.0.1): an operator allows private addresses for it (issue 21, SPEC §6).
  process.env.WEBHOOK_ALLOW_PRIVATE = "1";
  w = await openWorld();
  hook = await receiver();
});
// Each test's endpoints stop receiving once it ends, so one test's leftovers never reach the next.
afterEach(async () => {
  await w.db.webhookEndpoint.updateMany({ data: { enabled: false } });
});
afterAll(async () => {
  await hook.down();
  await w.database.close();
});

/** An action type eligible for promotion at `at` (real time: receivers check the signed timestamp). */
async function eligibleAt(at: Date) {
  const s = await newSubject(w.db, "low", new Date(at.getTime() - 30 * DAY));
  await feed(w.db, s, "CRAWL", 60, 60, at);
  return s;
}

const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);

describe("webhook notifications", () => {
  it("delivers a request opened while the receiver was down once it is back, exactly once, signed", async () => {
    const t0 = new Date();
    const endpoint = await createWebhookEndpoint(
      w.db,
      SYSTEM_ACTOR,
      {
        name: "ops",
        url: hook.url,
        kinds: ["request.opened", "request.decided", "request.applied"],
        format: "standard",
      },
      t0,
    );
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const s = await eligibleAt(t0);

    const req = await openPromotionRequest(
      w.db,
      w.people.engineer,
      { actionTypeId: s.id, kind: "promotion", justification: "Ready." },
      t0,
    );
    const events = await w.db.outboxEvent.findMany({
      where: { kind: "request.opened" },
      include: { deliveries: true },
    });
    const opened = events.find((e) => (e.payload as { data: { entity: { id: string } } }).data.entity.id === req.id)!;
    expect(opened).toBeDefined();
    expect(opened.deliveries).toHaveLength(1);

    // Receiver down: the attempt fails and is retried later, not at once.
    expect(await deliverDue(w.db, t0)).toEqual({ delivered: 0, retrying: 1, dead: 0 });
    const [failed] = await listDeliveries(w.db, endpoint.id);
    expect(failed).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null });
    expect(failed!.lastError).toMatch(/ECONNREFUSED/);
    expect(await deliverDue(w.db, plus(t0, retryDelayMs(1) - 1000))).toEqual({ delivered: 0, retrying: 0, dead: 0 });

    await hook.up();
    expect(await deliverDue(w.db, plus(t0, retryDelayMs(1)))).toEqual({ delivered: 1, retrying: 0, dead: 0 });
    // Later passes send nothing again.
    await deliverDue(w.db, plus(t0, retryDelayMs(1) + 60_000));
    await deliverDue(w.db, plus(t0, 3_600_000));

    const got = hook.received.filter((r) => r.id === opened.id);
    expect(got).toHaveLength(1);
    const { id, timestamp, signature, body } = got[0]!;
    // An independent verifier (the Standard Webhooks reference library) accepts the signature …
    const verified = new Webhook(endpoint.secret).verify(body, {
      "webhook-id": id,
      "webhook-timestamp": timestamp,
      "webhook-signature": signature,
    }) as { type: string; data: Record<string, unknown> };
    expect(verified.type).toBe("request.opened");
    expect(verified.data).toMatchObject({
      entity: { type: "request", id: req.id },
      actionType: { id: s.id, key: s.key },
      agent: { slug: s.agent.slug },
    });
    expect(String(verified.data.url)).toMatch(new RegExp(`/requests/${req.id}$`));
    expect(String(verified.data.summary)).toContain("opened a promotion request CRAWL → WALK");
    // … and refuses a body changed in transit or another secret.
    expect(() =>
      new Webhook(endpoint.secret).verify(body.replace("request.opened", "request.applied"), {
        "webhook-id": id,
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
      }),
    ).toThrow();
    expect(verifyWebhook(endpoint.secret, { id, timestamp, signature }, body, Math.floor(Date.now() / 1000))).toBe(
      true,
    );
    expect(
      verifyWebhook(
        "whsec_" + Buffer.alloc(24, 1).toString("base64"),
        { id, timestamp, signature },
        body,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(false);

    const [done] = await listDeliveries(w.db, endpoint.id);
    expect(done).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200, lastError: "" });

    // The decision and the apply are told too; individual (blind) reviews are not.
    await reviewRequest(
      w.db,
      w.people.reviewer1,
      { requestId: req.id, decision: "approve", rationale: RATIONALE },
      plus(t0, 1000),
    );
    const told = await w.db.outboxEvent.findMany({
      where: { payload: { path: ["data", "entity", "id"], equals: req.id } },
      select: { kind: true },
    });
    expect(told.map((e) => e.kind).sort()).toEqual(["request.applied", "request.decided", "request.opened"]);
  });

  it("writes the outbox in the change's transaction: a rolled-back change leaves no message", async () => {
    const t0 = new Date();
    await createWebhookEndpoint(
      w.db,
      SYSTEM_ACTOR,
      { name: "tx", url: hook.url, kinds: ["policy.changed"], format: "standard" },
      t0,
    );
    const before = await w.db.outboxEvent.count();
    await expect(
      w.db.$transaction(async (tx) => {
        await appendAudit(
          tx,
          {
            actor: SYSTEM_ACTOR,
            kind: "policy.version_created",
            entityType: "policy",
            entityId: "p",
            data: { version: 2 },
          },
          t0,
        );
        expect(await tx.outboxEvent.count()).toBe(before + 1);
        throw new Error("the change fails after its audit entry");
      }),
    ).rejects.toThrow("the change fails");
    expect(await w.db.outboxEvent.count()).toBe(before);
  });

  it("dead-letters after the last retry, and a replay delivers the same message id", async () => {
    const t0 = new Date();
    await hook.up();
    hook.status = 503;
    const endpoint = await createWebhookEndpoint(
      w.db,
      SYSTEM_ACTOR,
      { name: "flaky", url: hook.url, kinds: ["tier.frozen"], format: "standard" },
      t0,
    );
    const s = await eligibleAt(t0);
    await setFrozen(
      w.db,
      w.people.reviewer1,
      { actionTypeId: s.id, frozen: true, rationale: "Holding promotions during the incident review." },
      t0,
    );
    let at = t0;
    const [event] = await w.db.outboxEvent.findMany({
      where: { kind: "tier.frozen", deliveries: { some: { endpointId: endpoint.id } } },
    });
    expect(event).toBeDefined();
    for (let i = 1; i <= WEBHOOK_MAX_ATTEMPTS; i++) {
      await deliverDue(w.db, at);
      at = plus(at, retryDelayMs(i));
    }
    const [dead] = await listDeliveries(w.db, endpoint.id);
    expect(dead).toMatchObject({ status: "dead", attempts: WEBHOOK_MAX_ATTEMPTS, lastStatusCode: 503 });
    expect(dead!.lastError).toContain("HTTP 503");
    expect((await listWebhookEndpoints(w.db)).find((e) => e.id === endpoint.id)).toMatchObject({
      dead: 1,
      pending: 0,
      delivered: 0,
    });
    expect(await deliverDue(w.db, plus(at, DAY))).toEqual({ delivered: 0, retrying: 0, dead: 0 });

    hook.status = 200;
    expect(await replayDeliveries(w.db, SYSTEM_ACTOR, { endpointId: endpoint.id }, new Date())).toEqual({
      replayed: 1,
    });
    await expect(replayDeliveries(w.db, SYSTEM_ACTOR, { endpointId: endpoint.id }, new Date())).rejects.toThrow(
      /No dead letters/,
    );
    expect(await deliverDue(w.db, new Date())).toEqual({ delivered: 1, retrying: 0, dead: 0 });
    const sent = hook.received.filter((r) => r.id === event!.id);
    expect(sent.length).toBe(WEBHOOK_MAX_ATTEMPTS + 1);
    expect(new Set(sent.map((r) => r.body)).size).toBe(1);
  });

  it("sends a Slack-compatible message with a link to the page, and nothing to paused or unsubscribed endpoints", async () => {
    const t0 = new Date();
    hook.status = 200;
    const slack = await createWebhookEndpoint(
      w.db,
      SYSTEM_ACTOR,
      { name: "slack", url: hook.url + "?slack", kinds: ["request.opened"], format: "slack" },
      t0,
    );
    const paused = await createWebhookEndpoint(
      w.db,
      SYSTEM_ACTOR,
      { name: "paused", url: hook.url + "?paused", kinds: ["request.opened"], format: "standard" },
      t0,
    );
    await setWebhookEndpointEnabled(w.db, SYSTEM_ACTOR, { endpointId: paused.id, enabled: false });
    const other = await createWebhookEndpoint(
      w.db,
      SYSTEM_ACTOR,
      { name: "policy only", url: hook.url + "?other", kinds: ["policy.changed"], format: "standard" },
      t0,
    );
    const s = await eligibleAt(t0);
    const req = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, t0);
    const n = hook.received.length;
    await deliverDue(w.db, t0);
    const fresh = hook.received.slice(n).filter((r) => r.path.startsWith("/hook?"));
    expect(fresh).toHaveLength(1);
    const msg = JSON.parse(fresh[0]!.body) as { text: string };
    expect(msg.text).toMatch(
      new RegExp(
        `opened a promotion request CRAWL → WALK for ${s.key} \\(${s.key}\\) of ${s.agent.slug} — <http://[^|>]+/requests/${req.id}\\|open in Crawl · Walk · Run>`,
      ),
    );
    expect(
      new Webhook(slack.secret).verify(fresh[0]!.body, {
        "webhook-id": fresh[0]!.id,
        "webhook-timestamp": fresh[0]!.timestamp,
        "webhook-signature": fresh[0]!.signature,
      }),
    ).toBeTruthy();
    expect(await listDeliveries(w.db, paused.id)).toHaveLength(0);
    expect(await listDeliveries(w.db, other.id)).toHaveLength(0);
  });

  it("refuses endpoints that are not http(s) or have no event kind, and maps only decisions (never single reviews)", async () => {
    await expect(
      createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
        name: "x",
        url: "file:///etc/passwd",
        kinds: ["request.opened"],
        format: "standard",
      }),
    ).rejects.toThrow();
    await expect(
      createWebhookEndpoint(w.db, SYSTEM_ACTOR, { name: "x", url: hook.url, kinds: [], format: "standard" }),
    ).rejects.toThrow();
    expect(notificationKindFor("request.reviewed")).toBeNull();
    expect(notificationKindFor("events.ingested")).toBeNull();
    expect(notificationKindFor("request.rejected")).toBe("request.decided");
    expect(notificationKindFor("tier.freeze")).toBe("tier.frozen");
  });
});
