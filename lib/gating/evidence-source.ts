// Evidence by source (SPEC §8 "Evidence the agent cannot forge"). Every stored outcome names who
// reported it, taken from the credential that sent it (never from the body): the agent's own key
// (`agent`), a reporter key held by the system that saw the outcome (`reporter:<key id>`) or a person
// who decided a suggestion (`person:<user id>`). An attested tier counts only the last two toward
// promotion; every failure still counts toward demotion. Pure.

export const KEY_SCOPES = ["agent", "reporter"] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export const EVIDENCE_MODES = ["any", "attested"] as const;
export type EvidenceMode = (typeof EVIDENCE_MODES)[number];

/** `agent`, `reporter:<key id>` or `person:<user id>`. */
export type EventSource = string;

export const AGENT_SOURCE = "agent";

export function personSource(userId: string): EventSource {
  return `person:${userId}`;
}

/** The source of events sent with a key: its scope decides, the body never does. */
export function eventSourceOfKey(key: { keyId: string; scope: KeyScope }): EventSource {
  return key.scope === "reporter" ? reporterSource(key.keyId) : AGENT_SOURCE;
}

/** Whether an outcome from `source` counts toward promotion under `mode` (absent: "any"). */
export function countsForPromotion(source: EventSource | undefined, mode: EvidenceMode | undefined): boolean {
  return mode !== "attested" || isAttested(source);
}

export function isAttested(source: EventSource | undefined): boolean {
  return source !== undefined && (source.startsWith("reporter:") || source.startsWith("person:"));
}

/** The stay's outcomes per source: the agent's own, people's, and each reporter key's. */
export interface SourceCounts {
  agent: number;
  person: number;
  reporters: Record<string, number>;
}

export const NO_SOURCES: SourceCounts = { agent: 0, person: 0, reporters: {} };

export function addSource(c: SourceCounts, source: EventSource | undefined): SourceCounts {
  if (source?.startsWith("reporter:")) {
    const id = source.slice("reporter:".length);
    return { ...c, reporters: { ...c.reporters, [id]: (c.reporters[id] ?? 0) + 1 } };
  }
  if (source?.startsWith("person:")) return { ...c, person: c.person + 1 };
  return { ...c, agent: c.agent + 1 };
}

/** Keeps only well-formed counts, so a hand-edited row cannot break a page. */
export function toSourceCounts(raw: unknown): SourceCounts {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const n = (v: unknown) => (Number.isInteger(v) && (v as number) >= 0 ? (v as number) : 0);
  const reporters: Record<string, number> = {};
  if (r.reporters && typeof r.reporters === "object" && !Array.isArray(r.reporters))
    for (const [k, v] of Object.entries(r.reporters as Record<string, unknown>)) if (n(v) > 0) reporters[k] = n(v);
  return { agent: n(r.agent), person: n(r.person), reporters };
}

/**
 * Which key scopes may call a route: the agent's own key everything but deciding its own proposals
 * (no self-approval); a reporter only what it is for, reporting outcomes and deciding proposals.
 */
export type KeyUse = "read" | "report" | "decide";
export function keyMayUse(scope: KeyScope, use: KeyUse): boolean {
  if (use === "decide") return scope === "reporter";
  return scope === "agent" || use === "report";
}

/** Why a key may not be used so (the refusal's message). */
export function keyUseRefusal(scope: KeyScope): string {
  return scope === "reporter"
    ? "This is a reporter key: it may only report outcomes for its agent and decide its proposals."
    : "An agent's own key may not decide its proposals: a person or its system of record (a reporter key) does.";
}

export function reporterSource(keyId: string): EventSource {
  return `reporter:${keyId}`;
}

const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * "1,240 outcomes: 1,100 reported by the helpdesk, 140 decided by people, 0 self-reported". Reporter
 * keys are named by `names` (their key names); an unknown key is "a reporter key".
 */
export function sourcesInWords(c: SourceCounts, names: Record<string, string>): string {
  const reporters = Object.entries(c.reporters).sort(([, a], [, b]) => b - a);
  const total = c.agent + c.person + reporters.reduce((s, [, n]) => s + n, 0);
  const parts = [
    ...reporters.map(([id, n]) => `${fmt(n)} reported by ${names[id] ?? "a reporter key"}`),
    `${fmt(c.person)} decided by people`,
    `${fmt(c.agent)} self-reported`,
  ];
  return `${fmt(total)} outcome${total === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

/**
 * The sentence that says a tier is attested, naming who counts ("Only outcomes reported by helpdesk or
 * decided by people count for promotion out of WALK."); null when every source counts.
 */
export function attestedInWords(mode: EvidenceMode | undefined, tier: string, reporterNames: string[]): string | null {
  if (mode !== "attested") return null;
  const who = reporterNames.length ? reporterNames.join(", ") : "a reporter key";
  return `Only outcomes reported by ${who} or decided by people count for promotion out of ${tier}.`;
}

/**
 * The counts with reporters keyed by key name: a system of record's rotated keys add up under its one
 * name, and every listed key is present (0 when it reported nothing yet). Unlisted ids stay as they are.
 */
export function reportersByName(c: SourceCounts, keys: Array<{ id: string; name: string }>): SourceCounts {
  const nameOf = new Map(keys.map((k) => [k.id, k.name]));
  const reporters: Record<string, number> = Object.fromEntries(keys.map((k) => [k.name, 0]));
  for (const [id, n] of Object.entries(c.reporters)) {
    const name = nameOf.get(id) ?? id;
    reporters[name] = (reporters[name] ?? 0) + n;
  }
  return { ...c, reporters };
}
