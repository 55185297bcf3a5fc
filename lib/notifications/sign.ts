// Standard Webhooks signing (https://www.standardwebhooks.com): the signed content is
// `${id}.${timestamp}.${body}`, the key is the base64 part of a `whsec_` secret, the signature header
// is `v1,<base64 HMAC-SHA256>`. Pure apart from the random secret generator.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const PREFIX = "whsec_";

export function newWebhookSecret(): string {
  return PREFIX + randomBytes(24).toString("base64");
}

function key(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error("a webhook secret starts with whsec_");
  return Buffer.from(secret.slice(PREFIX.length), "base64");
}

export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  return "v1," + createHmac("sha256", key(secret)).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
}

export function webhookHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": signWebhook(secret, id, timestampSeconds, body),
  };
}

/** Checks a received delivery (any of the space-separated `v1,` signatures, timestamp within tolerance). */
export function verifyWebhook(
  secret: string,
  headers: { id: string | null; timestamp: string | null; signature: string | null },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, id, Number(timestamp), body));
  return signature.split(" ").some((s) => {
    const given = Buffer.from(s);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** What a list shows of a secret after creation. */
export function secretHint(secret: string): string {
  return `${secret.slice(0, PREFIX.length + 4)}…`;
}
