// CRAWL's proposals (SPEC §8): the agent suggests, a person decides once, and an accepted proposal
// grants one execution of exactly the accepted parameters before it expires. Pure: the caller reads
// the stored proposal, asks here, and applies the answer with a conditional write.
import { rationaleProblem } from "./rationale";
import type { EventKind } from "./types";

/** The one outcome event of a decision is stored under the proposal's own key. */
const PROPOSAL_KEY_PREFIX = "proposal:";
export function proposalEventKey(proposalId: string): string {
  return `${PROPOSAL_KEY_PREFIX}${proposalId}`;
}
/**
 * Reported events may not take a proposal's key (in any case): holding it before the decision would
 * block the decision's outcome event.
 */
export function isReservedEventKey(key: string): boolean {
  return key.toLowerCase().startsWith(PROPOSAL_KEY_PREFIX);
}

export const PROPOSAL_STATUSES = ["pending", "accepted", "edited", "rejected", "expired"] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
/** What is stored: "expired" is never written, it is a pending proposal read after its expiry. */
export type StoredProposalStatus = Exclude<ProposalStatus, "expired">;

export interface ProposalState {
  status: StoredProposalStatus;
  /** the digest of what the agent proposed */
  digest: string;
  /** epoch ms: no decision and no execution from then on */
  expiresAt: number;
  /** the digest an execution must present (accepted: the proposal's; edited: the edited one's) */
  grantDigest: string | null;
  consumedAt: number | null;
}

export type Decision =
  | { type: "accept" }
  /** accept with edited parameters, given by their digest */
  | { type: "edit"; digest: string }
  | { type: "reject"; reason: string };

export type Refusal = { ok: false; code: ProposalRefusalCode; message: string };
export type ProposalRefusalCode =
  "already_decided" | "proposal_expired" | "rationale_too_short" | "not_granted" | "digest_mismatch" | "grant_used";

export type DecisionOutcome =
  | {
      ok: true;
      status: "accepted" | "edited" | "rejected";
      eventKind: Extract<EventKind, `suggestion.${string}`>;
      grantDigest: string | null;
    }
  | Refusal;

const refuse = (code: ProposalRefusalCode, message: string): Refusal => ({ ok: false, code, message });

/** The status a reader sees at `now`: a pending proposal past its expiry is expired. */
export function proposalStatusAt(p: Pick<ProposalState, "status" | "expiresAt">, now: number): ProposalStatus {
  return p.status === "pending" && now >= p.expiresAt ? "expired" : p.status;
}

/** A person's decision on a proposal: once, before it expires; a reject says why in words. */
export function decideProposal(p: ProposalState, decision: Decision, now: number): DecisionOutcome {
  const status = proposalStatusAt(p, now);
  if (status === "expired") return refuse("proposal_expired", "the proposal has expired; the agent may propose again");
  if (status !== "pending") return refuse("already_decided", `the proposal is already ${status}`);
  switch (decision.type) {
    case "accept":
      return { ok: true, status: "accepted", eventKind: "suggestion.accepted", grantDigest: p.digest };
    case "edit":
      // Editing to the very parameters proposed changes nothing: that is an accept.
      return decision.digest === p.digest
        ? { ok: true, status: "accepted", eventKind: "suggestion.accepted", grantDigest: p.digest }
        : { ok: true, status: "edited", eventKind: "suggestion.edited", grantDigest: decision.digest };
    case "reject": {
      const problem = rationaleProblem(decision.reason, "the reason for a reject");
      if (problem) return refuse("rationale_too_short", problem);
      return { ok: true, status: "rejected", eventKind: "suggestion.rejected", grantDigest: null };
    }
  }
}

/** One execution of exactly the accepted parameters, before the proposal expires. */
export function consumeGrant(p: ProposalState, digest: string, now: number): { ok: true } | Refusal {
  if (p.status === "pending" || p.status === "rejected" || p.grantDigest === null)
    return refuse("not_granted", `the proposal is ${proposalStatusAt(p, now)}: it grants no execution`);
  if (p.consumedAt !== null) return refuse("grant_used", "the grant was already used: it allows one execution");
  if (now >= p.expiresAt) return refuse("proposal_expired", "the grant has expired");
  if (digest !== p.grantDigest)
    return refuse("digest_mismatch", "the digest is not the one of the accepted parameters; execute those exactly");
  return { ok: true };
}
