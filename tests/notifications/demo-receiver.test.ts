// The built-in demo receiver keeps only deliveries signed by an endpoint aimed at it, once per id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createWebhookEndpoint } from "@/lib/notifications/mutations";
import { demoReceived, DEMO_RECEIVER_PATH, receiveDemoWebhook } from "@/lib/notifications/demo-receiver";
import { newWebhookSecret, signWebhook } from "@/lib/notifications/sign";
import { openWorld, type World } from "../governance/world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(() => w.database.close());

describe("built-in demo receiver", () => {
  it("keeps a signed delivery once, and refuses a forged or stale one", async () => {
    const endpoint = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "demo",
      url: `http://localhost:3000${DEMO_RECEIVER_PATH}`,
      kinds: ["request.opened"],
      format: "standard",
    });
    const now = new Date();
    const ts = Math.floor(now.getTime() / 1000);
    const body = JSON.stringify({
      type: "request.opened",
      timestamp: now.toISOString(),
      data: { summary: "someone opened a request", url: "http://localhost:3000/requests/x" },
    });
    const headers = (secret: string, at = ts) => ({
      id: "msg_1",
      timestamp: String(at),
      signature: signWebhook(secret, "msg_1", at, body),
    });
    expect(await receiveDemoWebhook(w.db, headers(newWebhookSecret()), body, now)).toBe(false);
    expect(await receiveDemoWebhook(w.db, headers(endpoint.secret, ts - 3600), body, now)).toBe(false);
    expect(demoReceived()).toHaveLength(0);
    expect(await receiveDemoWebhook(w.db, headers(endpoint.secret), body, now)).toBe(true);
    expect(await receiveDemoWebhook(w.db, headers(endpoint.secret), body, now)).toBe(true);
    expect(demoReceived()).toEqual([
      expect.objectContaining({ id: "msg_1", type: "request.opened", summary: "someone opened a request" }),
    ]);
  });

  it("issue 25: keeps what a second endpoint aimed at it sends for the same event, in any format", async () => {
    const make = (name: string, format: "standard" | "slack") =>
      createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
        name,
        url: `http://localhost:3000${DEMO_RECEIVER_PATH}`,
        kinds: ["request.opened"],
        format,
      });
    const standard = await make("standard-2", "standard");
    const slack = await make("slack-2", "slack");
    const now = new Date();
    const ts = Math.floor(now.getTime() / 1000);
    // One event, delivered to both endpoints: the same webhook-id, each body in its endpoint's format.
    const id = "msg_2";
    const standardBody = JSON.stringify({
      type: "request.opened",
      timestamp: now.toISOString(),
      data: { summary: "a second request opened", url: "http://localhost:3000/requests/y" },
    });
    const slackBody = JSON.stringify({ text: "a second request opened — <http://localhost:3000/requests/y|open>" });
    const signed = (secret: string, body: string) => ({
      id,
      timestamp: String(ts),
      signature: signWebhook(secret, id, ts, body),
    });
    expect(await receiveDemoWebhook(w.db, signed(standard.secret, standardBody), standardBody, now)).toBe(true);
    expect(await receiveDemoWebhook(w.db, signed(slack.secret, slackBody), slackBody, now)).toBe(true);
    const mine = demoReceived().filter((m) => m.id === id);
    expect(mine).toHaveLength(2);
    expect(mine.find((m) => m.type === "slack message")).toMatchObject({
      summary: "a second request opened",
      url: "http://localhost:3000/requests/y",
    });
    // A retry of either is still kept once.
    expect(await receiveDemoWebhook(w.db, signed(slack.secret, slackBody), slackBody, now)).toBe(true);
    expect(demoReceived().filter((m) => m.id === id)).toHaveLength(2);
  });
});
