// What the browser may know of the built-in demo receiver (no crypto, no database).
export const DEMO_RECEIVER_PATH = "/api/demo/webhook-receiver";

export interface ReceivedMessage {
  id: string;
  receivedAt: string;
  type: string;
  summary: string;
  url: string;
}
