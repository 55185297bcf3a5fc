// One line per audit entry, in words, from the entry's own fields: the audit log, notifications and
// Slack messages all say the same thing. Pure.

export interface SummaryNames {
  agent?: { slug: string; name: string } | null;
  actionType?: { key: string; name: string } | null;
}

export interface SummaryEntry {
  kind: string;
  actorLabel: string;
  entityType: string;
  entityId: string;
  data: unknown;
}

type Data = Record<string, unknown>;

/** Where a person reads about the entry (the page it links to). */
export function auditEntityPath(e: {
  entityType: string;
  entityId: string;
  actionTypeId: string | null;
  agentId?: string | null;
}): string {
  if (e.entityType === "request") return `/requests/${e.entityId}`;
  if (e.entityType === "policy" && e.actionTypeId) return `/action-types/${e.actionTypeId}/policy`;
  if (e.actionTypeId) return `/action-types/${e.actionTypeId}`;
  return "";
}
const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

function subject(n: SummaryNames): string {
  const at = n.actionType ? `${n.actionType.name} (${n.actionType.key})` : "";
  const agent = n.agent ? n.agent.slug : "";
  if (at && agent) return `${at} of ${agent}`;
  return at || agent || "";
}

const REQUEST_KIND: Record<string, string> = {
  promotion: "promotion",
  override: "override",
  policy_change: "policy loosening",
};

function plural(n: number, word: string) {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}

export function summarizeAudit(entry: SummaryEntry, names: SummaryNames = {}): string {
  const d = (entry.data && typeof entry.data === "object" ? entry.data : {}) as Data;
  const about = subject(names);
  const on = about ? ` for ${about}` : "";
  const tally =
    num(d.approvals) !== null && num(d.required) !== null ? ` (${d.approvals} of ${d.required} approvals)` : "";
  switch (entry.kind) {
    case "request.opened": {
      const kind = REQUEST_KIND[str(d.kind)] ?? "request";
      const move = d.from && d.to ? ` ${str(d.from)} → ${str(d.to)}` : "";
      const changes = Array.isArray(d.changes) ? ` (${plural(d.changes.length, "bar")} changed)` : "";
      return `${entry.actorLabel} opened a ${kind} request${move}${on}${changes}`;
    }
    case "request.reviewed":
      return `${entry.actorLabel} reviewed a request${on}`;
    case "request.commented":
      return `${entry.actorLabel} commented on a request${on}`;
    case "request.approved":
      return `Request approved${on}${tally}`;
    case "request.rejected":
      return `Request rejected${on}`;
    case "request.applied":
      return `Request applied${on}`;
    case "request.withdrawn":
      return entry.actorLabel === "system"
        ? `Request closed${on}: superseded by a newer policy version`
        : `${entry.actorLabel} withdrew a request${on}`;
    case "request.expired":
      return `Request expired unreviewed${on}`;
    case "request.approvals_invalidated":
      return `Approvals no longer count${on}: the evidence changed${tally}`;
    case "request.evidence_changed":
      return `Request re-pinned to new evidence${on}${d.reason ? `: ${str(d.reason)}` : ""}`;
    case "request.apply_refused": {
      const reasons = Array.isArray(d.reasons) ? d.reasons.map(str).filter(Boolean) : [];
      return `Applying a request was refused${on}${reasons.length ? `: ${reasons[0]}` : ""}`;
    }
    case "tier.promotion":
      return `Promoted ${str(d.from)} → ${str(d.to)}${on} after review`;
    case "tier.override":
      return `Overridden ${str(d.from)} → ${str(d.to)}${on} after review`;
    case "tier.automatic_demotion":
      return `Demoted automatically ${str(d.from)} → ${str(d.to)}${on}`;
    case "tier.manual_demotion":
      return `${entry.actorLabel} demoted ${str(d.from)} → ${str(d.to)}${on}`;
    case "tier.freeze":
      return `${entry.actorLabel} froze${about ? ` ${about}` : " an action type"} at ${str(d.to)}`;
    case "tier.unfreeze":
      return `${entry.actorLabel} unfroze${about ? ` ${about}` : " an action type"}`;
    case "tier.ramp_advance":
      return `RUN's ramp advanced ${str(d.fromPercent)}% → ${str(d.toPercent)}%${on}`;
    case "tier.ramp_step_back":
      return `RUN's ramp stepped back ${str(d.fromPercent)}% → ${str(d.toPercent)}%${on}`;
    case "tier.slider_change":
      return `RUN's slider moved ${str(d.fromPercent)}% → ${str(d.toPercent)}%${on}`;
    case "policy.version_created":
      return `Policy version ${str(d.version)}${on}${d.reason ? `: ${str(d.reason)}` : ""}`;
    case "events.ingested": {
      const accepted = num(d.accepted) ?? 0;
      const dup = num(d.duplicates) ?? 0;
      return `${entry.actorLabel} reported ${plural(accepted, "outcome")}${dup ? ` (${plural(dup, "duplicate")} ignored)` : ""}`;
    }
    case "agent.created":
      return `${entry.actorLabel} created agent ${str(d.slug) || about}`;
    case "agent.contract_addition_requested":
      return `${entry.actorLabel} asked to make "${str(d.entry)}" internal for ${names.agent?.slug ?? "an agent"} (awaits review)`;
    case "agent.contract_addition_rejected":
      return `${entry.actorLabel} refused "${str(d.entry)}" as internal for ${names.agent?.slug ?? "an agent"}`;
    case "agent.contract_entry_added":
      return `${entry.actorLabel}'s approval completed the review: "${str(d.entry)}" is internal for ${names.agent?.slug ?? "an agent"}`;
    case "agent.contract_addition_closed":
      return `The request to make "${str(d.entry)}" internal for ${names.agent?.slug ?? "an agent"} was ${str(d.status)}`;
    case "agent.contract_entry_removed":
      return `${entry.actorLabel} removed "${str(d.entry)}" from ${names.agent?.slug ?? "an agent"}'s internal subjects`;
    case "action_type.created":
      return `${entry.actorLabel} created action type ${str(d.name)} (${str(d.key)})${names.agent ? ` of ${names.agent.slug}` : ""}`;
    case "api_key.created":
      return `${entry.actorLabel} created API key ${str(d.prefix)}… "${str(d.name)}"${names.agent ? ` for ${names.agent.slug}` : ""}`;
    case "api_key.revoked":
      return `${entry.actorLabel} revoked API key ${str(d.prefix)}…${names.agent ? ` of ${names.agent.slug}` : ""}`;
    case "user.login":
      return `${entry.actorLabel} signed in${d.method ? ` (${str(d.method)})` : ""}`;
    case "user.created":
      return `${entry.actorLabel} created user ${str(d.email) || entry.actorLabel}${d.role ? ` as ${str(d.role)}` : ""}`;
    case "user.role_changed":
      return `${entry.actorLabel} changed a user's role ${str(d.from)} → ${str(d.to)}`;
    case "user.disabled":
    case "user.enabled":
      return `${entry.actorLabel} ${entry.kind === "user.disabled" ? "disabled" : "enabled"} a user`;
    case "webhook.created":
      return `${entry.actorLabel} added webhook endpoint "${str(d.name)}" (${str(d.url)})`;
    case "webhook.updated":
      return `${entry.actorLabel} ${d.enabled === false ? "paused" : "changed"} webhook endpoint "${str(d.name)}"`;
    case "events.retention_set":
      return `${entry.actorLabel} set outcome retention to ${d.to === null ? "keep everything" : `${str(d.to)} months`}`;
    case "events.archived":
      return `${str(d.rows)} outcomes received in ${str(d.month)} were archived to ${str(d.file)} and removed`;
    case "audit.witness_added":
      return `${entry.actorLabel} trusted witness ${str(d.name)} to cosign audit checkpoints`;
    case "audit.witness_removed":
      return `${entry.actorLabel} removed witness ${str(d.name)}`;
    case "audit.witness_quorum_set":
      return `${entry.actorLabel} set the witness quorum ${str(d.from)} → ${str(d.to)}`;
    case "audit.anomaly":
      return `The audit log failed verification at entry ${str(d.seq)}: ${str(d.reason)}. No checkpoint was signed.`;
    default:
      return `${entry.actorLabel}: ${entry.kind.replace(/[._]/g, " ")}${on}`;
  }
}
