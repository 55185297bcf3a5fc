// Our signing agrees with the Standard Webhooks reference library byte for byte, and the Slack body
// escapes what Slack's mrkdwn would otherwise read as markup.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { newWebhookSecret, signWebhook, verifyWebhook } from "./sign";
import { deliveryBody, type StoredPayload } from "./payload";

describe("Standard Webhooks signatures", () => {
  it("match the reference library for any id, time and body", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
        fc.string({ maxLength: 300 }),
        (id, ts, body) => {
          const secret = newWebhookSecret();
          expect(signWebhook(secret, id, ts, body)).toBe(new Webhook(secret).sign(id, new Date(ts * 1000), body));
          expect(
            verifyWebhook(
              secret,
              { id, timestamp: String(ts), signature: signWebhook(secret, id, ts, body) },
              body,
              ts,
            ),
          ).toBe(true);
          expect(
            verifyWebhook(
              secret,
              { id, timestamp: String(ts), signature: signWebhook(secret, id, ts, body) },
              body + "x",
              ts,
            ),
          ).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses a timestamp outside the tolerance and a missing header", () => {
    const secret = newWebhookSecret();
    const sig = signWebhook(secret, "msg_1", 1_800_000_000, "{}");
    expect(verifyWebhook(secret, { id: "msg_1", timestamp: "1800000000", signature: sig }, "{}", 1_800_000_301)).toBe(
      false,
    );
    expect(verifyWebhook(secret, { id: "msg_1", timestamp: null, signature: sig }, "{}", 1_800_000_000)).toBe(false);
  });
});

describe("Slack-compatible body", () => {
  it("is a text message with the page link, markup escaped", () => {
    const payload = {
      type: "request.opened",
      timestamp: "2026-12-01T00:00:00.000Z",
      data: { summary: "a <b> & c", url: "http://x/requests/1" },
    } as unknown as StoredPayload;
    const body = JSON.parse(deliveryBody("slack", payload)) as { text: string };
    expect(body.text).toBe("a &lt;b&gt; &amp; c — <http://x/requests/1|open in Crawl · Walk · Run>");
    expect(JSON.parse(deliveryBody("standard", payload))).toEqual(payload);
  });
});
