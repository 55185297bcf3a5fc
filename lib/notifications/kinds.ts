// Which audit kinds people are told about, and under which notification kind. One table, so a new
// audited change becomes notifiable by adding a line here, not a call in its mutation.

export const NOTIFICATION_KINDS = [
  "request.opened",
  "request.decided",
  "request.applied",
  "request.expired",
  "request.commented",
  "tier.demoted",
  "tier.frozen",
  "tier.unfrozen",
  "tier.slider_step",
  "policy.changed",
  "agent.contract_changed",
  "suggestion.waiting",
  "suggestion.decided",
  "audit.checkpoint",
  "audit.anomaly",
  "audit.entry",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  "request.opened": "A request was opened",
  "request.decided": "A request was approved or rejected",
  "request.applied": "A request was applied",
  "request.expired": "A request expired",
  "request.commented": "Someone asked or answered on a request (for its requester and earlier commenters)",
  "tier.demoted": "An action type was demoted",
  "tier.frozen": "An action type was frozen",
  "tier.unfrozen": "An action type was unfrozen",
  "tier.slider_step": "RUN's slider moved a step (ramp advance, step back or change)",
  "policy.changed": "A policy changed",
  "agent.contract_changed": "An agent's internal subjects (WALK's contract) were asked for, added, refused or removed",
  "suggestion.waiting": "An agent's suggestion waits for a person's decision",
  "suggestion.decided": "A suggestion was accepted, accepted with edits or rejected",
  "audit.checkpoint": "An audit checkpoint was written",
  "audit.anomaly": "The audit log failed verification (no checkpoint was signed)",
  "audit.entry": "Every audit entry, in order, in batches (for a SIEM; standard format only)",
};

/** Delivered by the audit stream (lib/notifications/audit-stream.ts), not the outbox. */
export const STREAMED_KIND = "audit.entry" satisfies NotificationKind;

const BY_AUDIT_KIND: Record<string, NotificationKind> = {
  "request.opened": "request.opened",
  "request.approved": "request.decided",
  "request.rejected": "request.decided",
  "request.applied": "request.applied",
  "request.expired": "request.expired",
  "request.commented": "request.commented",
  "tier.automatic_demotion": "tier.demoted",
  "tier.manual_demotion": "tier.demoted",
  "tier.freeze": "tier.frozen",
  "tier.unfreeze": "tier.unfrozen",
  "tier.ramp_advance": "tier.slider_step",
  "tier.ramp_step_back": "tier.slider_step",
  "tier.slider_change": "tier.slider_step",
  "policy.version_created": "policy.changed",
  "audit.anomaly": "audit.anomaly",
  "agent.contract_addition_requested": "agent.contract_changed",
  "agent.contract_addition_rejected": "agent.contract_changed",
  "agent.contract_entry_added": "agent.contract_changed",
  "agent.contract_addition_closed": "agent.contract_changed",
  "agent.contract_entry_removed": "agent.contract_changed",
  "proposal.created": "suggestion.waiting",
  "suggestion.accepted": "suggestion.decided",
  "suggestion.edited": "suggestion.decided",
  "suggestion.rejected": "suggestion.decided",
};

/** The notification an audit entry of this kind raises, or null (most entries raise none). */
export function notificationKindFor(auditKind: string): NotificationKind | null {
  if (Object.prototype.hasOwnProperty.call(BY_AUDIT_KIND, auditKind)) return BY_AUDIT_KIND[auditKind]!;
  return auditKind.startsWith("audit.checkpoint") ? "audit.checkpoint" : null;
}
