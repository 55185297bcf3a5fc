// The one closed list of audit kinds. Each kind has a group and a label (the auditors' filter reads
// them) and a zod schema for its data, checked inside appendAudit: a writer that misspells a kind
// does not compile, and one that forgets a field is refused before anything is written. The schemas
// say what every entry of a kind must hold; extra fields are kept (they are hashed as written).
import { z } from "zod";
import { REQUEST_KINDS, REQUEST_STATUSES, REVIEW_DECISIONS, TIERS, type TierChangeCause } from "@cwr/gating/types";

const tier = z.enum(TIERS);
const status = z.enum(REQUEST_STATUSES);
const data = <S extends z.core.$ZodLooseShape>(shape: S) => z.looseObject(shape);
const anything = data({});

const requestStep = (label: string) => ({ group: "request", label, data: data({ status }) }) as const;
const rampStep = (label: string) =>
  ({
    group: "tier",
    label,
    data: data({
      tier,
      fromStep: z.number().int(),
      toStep: z.number().int(),
      fromPercent: z.number(),
      toPercent: z.number(),
    }),
  }) as const;
const tierStep = (label: string) =>
  ({ group: "tier", label, data: data({ from: tier, to: tier, frozen: z.boolean() }) }) as const;

const suggestionStep = (label: string) =>
  ({ group: "proposal", label, data: data({ proposedDigest: z.string(), grantDigest: z.string() }) }) as const;

export const AUDIT_KINDS = {
  "request.opened": {
    group: "request",
    label: "opened",
    data: data({ kind: z.enum(REQUEST_KINDS), reviewersRequired: z.number().int() }),
  },
  "request.reviewed": requestStep("reviewed"),
  "request.review_submitted": {
    group: "request",
    label: "review submitted",
    data: data({ decision: z.enum(REVIEW_DECISIONS), rationale: z.string(), snapshotHash: z.string() }),
  },
  "request.approved": requestStep("approved"),
  "request.rejected": requestStep("rejected"),
  "request.applied": requestStep("applied"),
  "request.apply_refused": {
    group: "request",
    label: "apply refused",
    data: data({ code: z.string(), reasons: z.array(z.string()) }),
  },
  "request.withdrawn": requestStep("withdrawn or superseded"),
  "request.expired": requestStep("expired"),
  "request.evidence_changed": {
    group: "request",
    label: "evidence re-pinned",
    data: data({ reason: z.string(), snapshotHash: z.string(), policyVersion: z.number().int() }),
  },
  "request.approvals_invalidated": requestStep("approvals invalidated"),
  // A question or an answer: its text and whom it notifies, never a decision or a tally (blind review).
  "request.commented": {
    group: "request",
    label: "commented",
    data: data({
      commentId: z.string(),
      body: z.string(),
      recipients: z.array(z.strictObject({ id: z.string(), name: z.string() })),
    }),
  },
  "tier.promotion": tierStep("promotion"),
  "tier.override": tierStep("override"),
  "tier.automatic_demotion": tierStep("automatic demotion"),
  "tier.manual_demotion": tierStep("manual demotion"),
  "tier.freeze": tierStep("freeze"),
  "tier.unfreeze": tierStep("unfreeze"),
  "tier.ramp_advance": rampStep("ramp step advanced"),
  "tier.ramp_step_back": rampStep("ramp stepped back"),
  "tier.slider_change": rampStep("slider changed"),
  "policy.version_created": { group: "policy", label: "new version", data: data({ version: z.number().int() }) },
  "agent.created": { group: "setup", label: "agent created", data: anything },
  "agent.contract_addition_requested": {
    group: "setup",
    label: "internal subject asked for",
    data: data({ requestId: z.string(), entry: z.string() }),
  },
  "agent.contract_addition_rejected": {
    group: "setup",
    label: "internal subject refused",
    data: data({ requestId: z.string(), entry: z.string(), rationale: z.string() }),
  },
  "agent.contract_entry_added": {
    group: "setup",
    label: "internal subject added",
    data: data({ requestId: z.string(), entry: z.string(), rationale: z.string() }),
  },
  "agent.contract_addition_closed": {
    group: "setup",
    label: "internal subject request withdrawn or expired",
    data: data({ requestId: z.string(), entry: z.string(), status }),
  },
  "agent.contract_entry_removed": {
    group: "setup",
    label: "internal subject removed",
    data: data({ entry: z.string() }),
  },
  "action_type.created": {
    group: "setup",
    label: "action type created",
    data: data({ policyVersion: z.number().int() }),
  },
  "api_key.created": { group: "setup", label: "API key created", data: data({ name: z.string(), prefix: z.string() }) },
  "api_key.revoked": { group: "setup", label: "API key revoked", data: data({ prefix: z.string() }) },
  "user.login": { group: "user", label: "sign-in", data: data({ method: z.string() }) },
  "user.logout": { group: "user", label: "sign-out", data: data({ sessionId: z.string() }) },
  "user.created": { group: "user", label: "created", data: anything },
  "user.role_changed": { group: "user", label: "role changed", data: data({ from: z.string(), to: z.string() }) },
  "user.role_grant_requested": {
    group: "user",
    label: "review power asked for",
    data: data({ grantId: z.string(), from: z.string(), to: z.string() }),
  },
  "user.role_grant_approved": {
    group: "user",
    label: "review power granted",
    data: data({ grantId: z.string(), role: z.string(), rationale: z.string() }),
  },
  "user.role_grant_rejected": {
    group: "user",
    label: "review power refused",
    data: data({ grantId: z.string(), role: z.string(), rationale: z.string() }),
  },
  "user.invitation_accepted": { group: "user", label: "invitation accepted", data: anything },
  "user.disabled": { group: "user", label: "disabled", data: anything },
  "user.enabled": { group: "user", label: "enabled", data: anything },
  "webhook.created": { group: "webhook", label: "endpoint added", data: data({ name: z.string(), url: z.string() }) },
  "webhook.updated": {
    group: "webhook",
    label: "endpoint paused or resumed",
    data: data({ name: z.string(), enabled: z.boolean() }),
  },
  "webhook.replayed": {
    group: "webhook",
    label: "deliveries replayed",
    data: data({ name: z.string(), deliveries: z.number().int() }),
  },
  "events.ingested": {
    group: "ingestion",
    label: "outcomes reported by agents",
    data: data({ accepted: z.number().int(), duplicates: z.number().int() }),
  },
  "events.retention_set": {
    group: "ingestion",
    label: "outcome retention set",
    data: data({ from: z.number().int().nullable(), to: z.number().int().nullable() }),
  },
  "events.archived": {
    group: "ingestion",
    label: "outcomes archived and removed",
    data: data({ month: z.string(), rows: z.number().int(), file: z.string(), sha256: z.string() }),
  },
  "audit.anomaly": {
    group: "audit",
    label: "verification failed (checkpoint not signed)",
    data: data({ seq: z.string(), reason: z.string(), lastCheckpointSeq: z.string(), headSeq: z.string() }),
  },
  "audit.witness_added": {
    group: "audit",
    label: "witness trusted",
    data: data({ name: z.string(), vkey: z.string() }),
  },
  "audit.witness_removed": { group: "audit", label: "witness removed", data: data({ name: z.string() }) },
  "audit.witness_quorum_set": {
    group: "audit",
    label: "witness quorum set",
    data: data({ from: z.number().int(), to: z.number().int() }),
  },
  "proposal.created": {
    group: "proposal",
    label: "proposed by an agent",
    data: data({ action: z.string(), digest: z.string(), expiresAt: z.string() }),
  },
  "suggestion.accepted": suggestionStep("accepted"),
  "suggestion.edited": suggestionStep("accepted with edits"),
  "suggestion.rejected": {
    group: "proposal",
    label: "rejected",
    data: data({ proposedDigest: z.string(), grantDigest: z.null(), reason: z.string() }),
  },
  "proposal.consumed": { group: "proposal", label: "executed (grant used)", data: data({ digest: z.string() }) },
  "bench.generated": { group: "tooling", label: "benchmark data generated", data: anything },
} as const satisfies Record<string, { group: string; label: string; data: z.ZodType }>;

export type AuditKind = keyof typeof AUDIT_KINDS;
export const AUDIT_KIND_LIST = Object.keys(AUDIT_KINDS) as AuditKind[];
export const isAuditKind = (kind: string): kind is AuditKind => Object.prototype.hasOwnProperty.call(AUDIT_KINDS, kind);

/** The audit kind of each tier-change cause: a map, never a string built from the cause. */
export const TIER_AUDIT_KIND: Record<TierChangeCause, AuditKind> = {
  promotion: "tier.promotion",
  override: "tier.override",
  automatic_demotion: "tier.automatic_demotion",
  manual_demotion: "tier.manual_demotion",
  freeze: "tier.freeze",
  unfreeze: "tier.unfreeze",
  ramp_advance: "tier.ramp_advance",
  ramp_step_back: "tier.ramp_step_back",
  slider_change: "tier.slider_change",
};

export const INGESTION_KIND = "events.ingested" satisfies AuditKind;
/** People signing in and out: frequent, rarely what an auditor looks for (the page hides them by default). */
export const SIGNIN_KINDS = ["user.login", "user.logout"] as const satisfies readonly AuditKind[];

type Group = (typeof AUDIT_KINDS)[AuditKind]["group"];
/** How the auditors' filter shows the groups (in this order); tooling entries are not offered. */
const GROUPS: ReadonlyArray<{ group: Group; label: string; prefix: string }> = [
  { group: "request", label: "Requests", prefix: "request." },
  { group: "tier", label: "Tier changes", prefix: "tier." },
  { group: "policy", label: "Policies", prefix: "policy." },
  { group: "setup", label: "Agents, action types and keys", prefix: "" },
  { group: "user", label: "Users", prefix: "user." },
  { group: "webhook", label: "Notifications", prefix: "webhook." },
  { group: "audit", label: "Audit log", prefix: "audit." },
  { group: "proposal", label: "Proposals and suggestions", prefix: "" },
  { group: "ingestion", label: "Ingestion", prefix: "" },
];

export const AUDIT_KIND_GROUPS: ReadonlyArray<{
  label: string;
  prefix: string;
  kinds: ReadonlyArray<{ kind: AuditKind; label: string }>;
}> = GROUPS.map((g) => ({
  label: g.label,
  prefix: g.prefix,
  kinds: AUDIT_KIND_LIST.filter((k) => AUDIT_KINDS[k].group === g.group).map((kind) => ({
    kind,
    label: AUDIT_KINDS[kind].label,
  })),
}));

/** The data of an entry of this kind, checked: throws (the transaction rolls back) when it does not fit. */
export function checkAuditData(kind: AuditKind, value: Record<string, unknown>): void {
  if (!isAuditKind(kind)) throw new Error(`audit entry ${String(kind)}: not a known audit kind (lib/audit/kinds.ts)`);
  const r = AUDIT_KINDS[kind].data.safeParse(value);
  if (!r.success)
    throw new Error(
      `audit entry ${kind}: data does not fit its schema (${r.error.issues.map((i) => `${i.path.join(".") || "data"}: ${i.message}`).join("; ")})`,
    );
}

/** "Show ingestion" choices: the agents' outcome batches are most of the log and bury the state changes. */
export const INGESTION_MODES = ["hide", "include", "only"] as const;
export type IngestionMode = (typeof INGESTION_MODES)[number];
