// The built-in receiver of the embedded demo: the seeded "Built-in demo receiver" endpoint points
// here, so a new user sees deliveries arrive (Admin → Notifications). It keeps the last messages in
// memory, only those signed with the secret of an endpoint that points at it.
import type { Db } from "@/lib/db";
import { verifyWebhook } from "./sign";
import { DEMO_RECEIVER_PATH, type ReceivedMessage } from "./demo-receiver-info";

export { DEMO_RECEIVER_PATH };
const KEEP = 50;
export const DEMO_RECEIVER_MAX_BYTES = 64 * 1024;

const g = globalThis as unknown as { __cwrDemoReceived?: ReceivedMessage[] };
const received = (g.__cwrDemoReceived ??= []);

export function demoReceived(): ReceivedMessage[] {
  return [...received];
}

/** Verifies and keeps one delivery; false when no endpoint aimed here signed it (nothing kept). */
export async function receiveDemoWebhook(
  db: Db,
  headers: { id: string | null; timestamp: string | null; signature: string | null },
  body: string,
  now = new Date(),
): Promise<boolean> {
  const endpoints = await db.webhookEndpoint.findMany({
    where: { url: { contains: DEMO_RECEIVER_PATH } },
    select: { secret: true },
  });
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (!endpoints.some((e) => verifyWebhook(e.secret, headers, body, nowSeconds))) return false;
  let parsed: { type?: unknown; text?: unknown; data?: { summary?: unknown; url?: unknown } } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    /* a signed body that is not JSON is still a delivery */
  }
  if (received.some((r) => r.id === headers.id)) return true; // a retry of what we have: once per id
  received.unshift({
    id: headers.id!,
    receivedAt: now.toISOString(),
    type: typeof parsed.type === "string" ? parsed.type : "slack message",
    summary:
      typeof parsed.data?.summary === "string"
        ? parsed.data.summary
        : typeof parsed.text === "string"
          ? parsed.text
          : "",
    url: typeof parsed.data?.url === "string" ? parsed.data.url : "",
  });
  received.length = Math.min(received.length, KEEP);
  return true;
}
