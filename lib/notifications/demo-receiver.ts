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
    select: { id: true, name: true, secret: true },
  });
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const from = endpoints.find((e) => verifyWebhook(e.secret, headers, body, nowSeconds));
  if (!from) return false;
  // One event reaches every endpoint under the same webhook-id: a retry is the same id from the same endpoint.
  if (received.some((r) => r.id === headers.id && r.endpointId === from.id)) return true;
  received.unshift({
    id: headers.id!,
    endpointId: from.id,
    endpoint: from.name,
    receivedAt: now.toISOString(),
    ...readBody(body),
  });
  received.length = Math.min(received.length, KEEP);
  return true;
}

/** What a delivery says, whatever its format: our standard payload, a Slack message, other JSON or text. */
function readBody(body: string): Pick<ReceivedMessage, "type" | "summary" | "url"> {
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { type: "text", summary: body.slice(0, 300), url: "" };
  }
  const p = (parsed ?? {}) as { type?: unknown; text?: unknown; data?: { summary?: unknown; url?: unknown } };
  if (typeof p.data?.summary === "string")
    return {
      type: typeof p.type === "string" ? p.type : "message",
      summary: p.data.summary,
      url: typeof p.data.url === "string" ? p.data.url : "",
    };
  if (typeof p.text === "string") {
    // Slack's mrkdwn link `<url|label>` becomes the message's link, and leaves the text readable.
    const link = /\s*—?\s*<(https?:\/\/[^|>]+)\|[^>]*>/.exec(p.text);
    return {
      type: "slack message",
      summary: (link ? p.text.replace(link[0], "") : p.text).trim(),
      url: link ? link[1]! : "",
    };
  }
  return { type: "json", summary: body.slice(0, 300), url: "" };
}
