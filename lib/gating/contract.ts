// WALK's contract (SPEC §8): the subjects an agent may call internal. Pure, so the SDK answers from
// memory exactly as the server does. Entries are text, one of three shapes:
//   `staff:*`         a prefix (the `*` only at the end; at least one character before it)
//   `*@acme.example`  an e-mail domain: the subject's part after its last `@` equals the domain, compared
//                     case-insensitively (DNS names are); subdomains are not included, and the local part
//                     must not be empty
//   anything else     an exact id
// Exact ids and prefixes compare UTF-16 code units as given: subject ids are opaque, so case counts.
import { decideForSubject, type SliderDecision, type SliderView } from "./slider";
import type { Audience, Tier } from "./types";

export const MAX_CONTRACT_ENTRIES = 100;
export const MAX_CONTRACT_ENTRY_LENGTH = 256;

export type ContractEntry =
  { kind: "exact"; value: string } | { kind: "prefix"; value: string } | { kind: "domain"; value: string };

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function isDomain(d: string): boolean {
  const labels = d.split(".");
  return d.length <= 253 && labels.length >= 2 && labels.every((l) => LABEL.test(l));
}

/** One entry read from its text, or null when it is not a valid entry. */
export function parseContractEntry(text: string): ContractEntry | null {
  if (typeof text !== "string" || text.length === 0 || text.length > MAX_CONTRACT_ENTRY_LENGTH) return null;
  if (CONTROL.test(text) || LONE_SURROGATE.test(text)) return null;
  if (text.startsWith("*@")) {
    const domain = text.slice(2).toLowerCase();
    return isDomain(domain) ? { kind: "domain", value: domain } : null;
  }
  const star = text.indexOf("*");
  if (star === -1) return { kind: "exact", value: text };
  // A prefix: one `*`, at the end, after at least one character (a bare `*` would be everyone).
  if (star !== text.length - 1 || star === 0) return null;
  return { kind: "prefix", value: text.slice(0, -1) };
}

/** An entry's text, in the one spelling it is stored under. */
export function contractEntryText(entry: ContractEntry): string {
  if (entry.kind === "domain") return `*@${entry.value}`;
  if (entry.kind === "prefix") return `${entry.value}*`;
  return entry.value;
}

function matches(entry: ContractEntry, subject: string): boolean {
  if (entry.kind === "exact") return subject === entry.value;
  if (entry.kind === "prefix") return subject.startsWith(entry.value);
  const at = subject.lastIndexOf("@");
  return at > 0 && subject.slice(at + 1).toLowerCase() === entry.value;
}

// Parsed once per contract array (the tier cache and the SDK hold one array per load), so a decision
// on the agent's read path only compares strings. A memo of a pure function: no I/O, no clock.
const parsed = new WeakMap<readonly string[], ContractEntry[]>();

function entriesOf(texts: readonly string[]): ContractEntry[] {
  let entries = parsed.get(texts);
  if (!entries) {
    entries = texts.map(parseContractEntry).filter((e): e is ContractEntry => e !== null);
    parsed.set(texts, entries);
  }
  return entries;
}

/** Whether the subject is one of the contract's internal subjects. No subject is never inside. */
export function insideContract(entries: readonly string[], subject: string | undefined): boolean {
  if (subject === undefined) return false;
  return entriesOf(entries).some((entry) => matches(entry, subject));
}

/**
 * The decision with WALK's contract. Without a contract (null) it is today's decision. With one, an
 * `internal` audience holds only for a subject inside it: any other subject, or none, is answered as
 * `external` would be, and the reason says so.
 */
export function decideWithContract(
  tier: Tier | null,
  frozen: boolean,
  audience: Audience,
  slider: SliderView | null,
  subject: string | undefined,
  contract: readonly string[] | null,
): SliderDecision {
  if (contract === null || audience !== "internal" || insideContract(contract, subject))
    return decideForSubject(tier, frozen, audience, slider, subject);
  const external = decideForSubject(tier, frozen, "external", slider, subject);
  const why =
    subject === undefined
      ? "internal refused: no subject given and this agent has a contract of internal subjects, answered as external"
      : "internal refused: the subject is outside the agent's contract of internal subjects, answered as external";
  const limit = external.limitedBy ? `${why}; ${external.limitedBy.reason}` : why;
  return { ...external, limitedBy: { rule: "contract", reason: limit }, reason: `${why}: ${external.reason}` };
}

/**
 * The tier an OFREP evaluation answers with a contract: WALK acts only on internal subjects, so for a
 * subject outside the contract (or none) WALK can only suggest and answers as CRAWL.
 */
export function tierWithContract(tier: Tier, contract: readonly string[] | null, subject: string | undefined): Tier {
  if (contract === null || tier !== "WALK" || insideContract(contract, subject)) return tier;
  return "CRAWL";
}

/** What the action type card says about WALK's internal audience. */
export function internalAudienceInWords(entries: readonly string[] | null): string {
  if (entries === null) return "internal audience is declared by the agent";
  if (entries.length === 0) return "internal audience: none (the agent's contract is empty)";
  const shown = entries.slice(0, 3).join(", ");
  const more = entries.length > 3 ? ` and ${entries.length - 3} more` : "";
  return `internal audience is the agent's contract: ${shown}${more}`;
}
