// The bodies sent to endpoints. Pure: the same event always gives the same body, so a retry or a
// replay is byte-for-byte the delivery the receiver may already have seen (same webhook-id).
import type { NotificationKind } from "./kinds";

export interface NotificationData {
  summary: string;
  url: string;
  auditSeq: string;
  auditKind: string;
  entity: { type: string; id: string };
  agent: { id: string; slug: string; name: string } | null;
  actionType: { id: string; key: string; name: string } | null;
  actor: string;
  details: unknown;
}

export interface StoredPayload {
  type: NotificationKind;
  timestamp: string;
  data: NotificationData;
}

export type EndpointFormat = "standard" | "slack";
export const ENDPOINT_FORMATS: readonly EndpointFormat[] = ["standard", "slack"];

/** Slack's mrkdwn needs &, < and > escaped in text. */
function slackEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function deliveryBody(format: EndpointFormat, payload: StoredPayload): string {
  if (format === "slack") {
    const text = `${slackEscape(payload.data.summary)} — <${payload.data.url}|open in Crawl · Walk · Run>`;
    // `text` alone is a valid Slack incoming-webhook message; blocks make it look right in the app.
    return JSON.stringify({ text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] });
  }
  return JSON.stringify(payload);
}
