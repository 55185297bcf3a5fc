// Wire types of the agent API as the SDK sees them. Not inferred from the server's zod schemas, so
// the SDK carries no zod; tests/sdk check they match the server.

// The vocabulary is the gating core's own (pure data: the tier list and tier → mode map are its values).
import { TIER_MODES, TIERS, type EventKind, type Mode, type Severity, type Tier } from "@cwr/gating/types";
export type { Audience, EventKind, Mode, Severity, Tier } from "@cwr/gating/types";

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
  /** present while RUN's slider is below 100 %: lib/gating/slider.ts decides each subject */
  slider?: { percent: number; salt: string };
  /** present when the agent has a contract of internal subjects: lib/gating/contract.ts decides each subject */
  contract?: { entries: string[] };
}

export type { Decision } from "@cwr/gating/outcomes";

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
  /** action.reverted only: the idempotencyKey of the action.completed it reverts (that success becomes a failure) */
  reverts?: string;
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

export const TIER_LIST: readonly Tier[] = TIERS;
export const MODE_OF: Readonly<Record<Tier, Mode>> = TIER_MODES;
