// The audit kinds an auditor picks from (a list, never free text): groups by prefix, then each kind.
// A kind not listed here still appears in the log; the filter offers it when it is in the URL.

export const INGESTION_KIND = "events.ingested";

export const AUDIT_KIND_GROUPS: ReadonlyArray<{ label: string; prefix: string; kinds: ReadonlyArray<{ kind: string; label: string }> }> = [
  {
    label: "Requests",
    prefix: "request.",
    kinds: [
      { kind: "request.opened", label: "opened" },
      { kind: "request.reviewed", label: "reviewed" },
      { kind: "request.approved", label: "approved" },
      { kind: "request.rejected", label: "rejected" },
      { kind: "request.applied", label: "applied" },
      { kind: "request.apply_refused", label: "apply refused" },
      { kind: "request.withdrawn", label: "withdrawn or superseded" },
      { kind: "request.expired", label: "expired" },
      { kind: "request.evidence_changed", label: "evidence re-pinned" },
      { kind: "request.approvals_invalidated", label: "approvals invalidated" },
    ],
  },
  {
    label: "Tier changes",
    prefix: "tier.",
    kinds: [
      { kind: "tier.promotion", label: "promotion" },
      { kind: "tier.override", label: "override" },
      { kind: "tier.automatic_demotion", label: "automatic demotion" },
      { kind: "tier.manual_demotion", label: "manual demotion" },
      { kind: "tier.freeze", label: "freeze" },
      { kind: "tier.unfreeze", label: "unfreeze" },
      { kind: "tier.ramp_advance", label: "ramp step advanced" },
      { kind: "tier.ramp_step_back", label: "ramp stepped back" },
      { kind: "tier.slider_change", label: "slider changed" },
    ],
  },
  { label: "Policies", prefix: "policy.", kinds: [{ kind: "policy.version_created", label: "new version" }] },
  {
    label: "Agents, action types and keys",
    prefix: "",
    kinds: [
      { kind: "agent.created", label: "agent created" },
      { kind: "action_type.created", label: "action type created" },
      { kind: "api_key.created", label: "API key created" },
      { kind: "api_key.revoked", label: "API key revoked" },
    ],
  },
  {
    label: "Users",
    prefix: "user.",
    kinds: [
      { kind: "user.login", label: "sign-in" },
      { kind: "user.created", label: "created" },
      { kind: "user.role_changed", label: "role changed" },
      { kind: "user.disabled", label: "disabled" },
      { kind: "user.enabled", label: "enabled" },
    ],
  },
  {
    label: "Notifications",
    prefix: "webhook.",
    kinds: [
      { kind: "webhook.created", label: "endpoint added" },
      { kind: "webhook.updated", label: "endpoint paused or resumed" },
      { kind: "webhook.replayed", label: "deliveries replayed" },
    ],
  },
  { label: "Ingestion", prefix: "", kinds: [{ kind: INGESTION_KIND, label: "outcomes reported by agents" }] },
];

/** "Show ingestion" choices: the agents' outcome batches are most of the log and bury the state changes. */
export const INGESTION_MODES = ["hide", "include", "only"] as const;
export type IngestionMode = (typeof INGESTION_MODES)[number];
