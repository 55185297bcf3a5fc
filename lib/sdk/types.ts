// Wire types of the agent API as the SDK sees them. Declared here (not imported from the server's
// zod schemas) so the SDK has no runtime dependency at all; tests/sdk check they match the server.

export type Tier = "CRAWL" | "WALK" | "RUN";
export type Mode = "suggest" | "act_internal" | "act_external";
export type Audience = "internal" | "external";
export type Severity = "low" | "medium" | "high" | "critical";
export type EventKind =
  | "suggestion.accepted"
  | "suggestion.edited"
  | "suggestion.rejected"
  | "action.completed"
  | "action.reverted"
  | "action.escalated"
  | "outcome.positive"
  | "outcome.negative"
  | "incident";

/** One action type of the calling agent, as GET /api/v1/tiers answers it. */
export interface TierView {
  action: string;
  name: string;
  tier: Tier;
  mode: Mode;
  frozen: boolean;
  /** ISO 8601 */
  tierSince: string;
  policyVersion: number;
}

export interface Decision {
  allowed: boolean;
  mode: Mode;
  tier: Tier;
  reason: string;
}

/** An outcome event as POST /api/v1/events takes it. */
export interface OutcomeEvent {
  idempotencyKey: string;
  action: string;
  kind: EventKind;
  tier: Tier;
  /** ISO 8601 with a zone */
  occurredAt: string;
  /** incidents only, and required on them */
  severity?: Severity;
  agentVersion?: string;
  subjectRef?: string;
  metadata?: Record<string, unknown>;
}

export type EventStatus = "accepted" | "duplicate" | "rejected";

export interface EventResult {
  index: number;
  idempotencyKey: string | null;
  status: EventStatus;
  reason?: string;
  details?: unknown;
}

export interface EventsResponse {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: EventResult[];
}

export const TIER_LIST: readonly Tier[] = ["CRAWL", "WALK", "RUN"];
export const MODE_OF: Readonly<Record<Tier, Mode>> = Object.freeze({ CRAWL: "suggest", WALK: "act_internal", RUN: "act_external" });
