// What the browser may know of the built-in demo receiver (no crypto, no database).
export const DEMO_RECEIVER_PATH = "/api/demo/webhook-receiver";

export interface ReceivedMessage {
  id: string;
  /** the endpoint whose secret signed it (one event reaches each endpoint under the same id) */
  endpointId: string;
  endpoint: string;
  receivedAt: string;
  type: string;
  summary: string;
  url: string;
}
