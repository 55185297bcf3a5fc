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
});
