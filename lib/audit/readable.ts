// What a person reads beside an entry's machine fields: the words someone wrote for it and who did it,
// by name. The audit page's expanded row and the export's columns say the same thing. Pure.

/** The fields that hold a person's (or the detector's) own words, in the order they are looked for. */
const WORDS = [
  { field: "rationale", label: "Rationale" },
  { field: "justification", label: "Justification" },
  { field: "reason", label: "Reason" },
  { field: "body", label: "Comment" },
] as const;

export interface AuditWords {
  label: string;
  text: string;
}

/** The entry's rationale (or justification, reason, comment) as text; null when it carries none. */
export function auditWords(data: unknown): AuditWords | null {
  if (!data || typeof data !== "object") return null;
  const d = data as Record<string, unknown>;
  for (const w of WORDS) {
    const v = d[w.field];
    if (typeof v === "string" && v.trim()) return { label: w.label, text: v };
  }
  const reasons = Array.isArray(d.reasons) ? d.reasons.filter((r): r is string => typeof r === "string") : [];
  return reasons.length ? { label: "Reasons", text: reasons.join("; ") } : null;
}

export interface ActorNames {
  user?: { name: string; email: string } | null;
  agent?: { name: string } | null;
}

/** Who did it, by name: a person's name and email, an agent's name beside its key's label, or the system's label. */
export function auditActorName(entry: { actorType: string; actorLabel: string }, names: ActorNames): string {
  if (entry.actorType === "user" && names.user) return `${names.user.name} <${names.user.email}>`;
  if (entry.actorType === "agent" && names.agent) return `${names.agent.name} (${entry.actorLabel})`;
  return entry.actorLabel;
}
