// The guard (SPEC §8): one call that stands in the agent's path. It runs the action only when the
// tier allows it from fresh data (RUN through the slider, WALK inside the contract) and reports the
// outcome itself; everywhere else, and on any doubt, it proposes instead and never runs the action.
// After a person accepts, `carryOut` consumes the single grant with the digest of exactly what it is
// about to run, then runs it once.
import { actionDigest } from "./digest";
import { CwrApiError } from "./http";
import type { ProposalAnswer, ProposalCreated } from "./proposals";
import type { Audience, Decision, Tier } from "./types";

export type Parameters = Record<string, unknown>;

export interface GuardRequest {
  action: string;
  audience: Audience;
  subject: string;
  /** one line a person reads if this becomes a suggestion */
  summary: string;
  parameters: Parameters;
  /** makes a retried guard propose the same proposal (default: a random UUID) */
  idempotencyKey?: string;
}

export type GuardResult<T> =
  /** the tier allowed it: `act` ran once and its outcome was reported at `tier` */
  | { status: "acted"; tier: Tier; result: T; reported: string }
  /** `act` did not run: a person decides the proposal (then `carryOut` runs the accepted call once) */
  | { status: "suggested"; reason: string; proposal: ProposalCreated; request: GuardRequest }
  /** `act` did not run, and no proposal could be made (the server refused it or could not be reached) */
  | { status: "unavailable"; reason: string; error: unknown; request: GuardRequest };

export type CarryOutResult<T> =
  /** accepted (or edited): the grant was consumed and `act` ran once with the accepted parameters */
  | { status: "acted"; result: T; parameters: Parameters; proposal: ProposalAnswer }
  /** `act` did not run */
  | { status: "rejected" | "expired" | "pending" | "refused"; reason: string; proposal: ProposalAnswer | null };

/** What the guard needs of the client (CwrClient has all of it). */
export interface GuardHost {
  readonly agent: string | null;
  decide(action: string, audience: Audience, subject?: string): Decision;
  report(event: {
    action: string;
    kind: "action.completed" | "action.escalated";
    tier: Tier;
    subjectRef?: string;
  }): string;
  propose(input: GuardRequest & { idempotencyKey: string }): Promise<ProposalCreated>;
  awaitDecision(id: string, options?: { timeoutMs?: number }): Promise<ProposalAnswer>;
  consume(id: string, digest: string): Promise<ProposalAnswer>;
}

export async function guard<T>(
  host: GuardHost,
  request: GuardRequest,
  act: (parameters: Parameters) => T | Promise<T>,
): Promise<GuardResult<T>> {
  const decision = admit(host, request);
  if (decision.allowed === true) {
    let result: T;
    try {
      result = await act(request.parameters);
    } catch (e) {
      report(host, request, decision.answeredAs, "action.escalated");
      throw e;
    }
    return {
      status: "acted",
      // The tier whose rules let it act (WALK outside RUN's slider): what it reported before issue 25.
      tier: decision.answeredAs,
      result,
      reported: report(host, request, decision.answeredAs, "action.completed"),
    };
  }
  return suggest(host, request, decision.reason);
}

/**
 * The guard's question on its own: may this request act now? Failing closed: a client that cannot
 * answer answers CRAWL. Adapters whose framework asks "approval needed?" before it runs the tool ask
 * this, then let `guard` act (it asks again).
 */
export function admit(host: Pick<GuardHost, "decide">, request: GuardRequest): Decision {
  try {
    return host.decide(request.action, request.audience, request.subject);
  } catch (e) {
    return {
      allowed: false,
      mode: "suggest",
      tier: "CRAWL",
      answeredAs: "CRAWL",
      limitedBy: null,
      reason: `the tier could not be read: ${String(e)}`,
    };
  }
}

/** The guard's other branch on its own: proposes the request (idempotent by its key) and acts on nothing. */
export async function suggest(
  host: Pick<GuardHost, "propose">,
  request: GuardRequest,
  reason: string,
): Promise<Exclude<GuardResult<never>, { status: "acted" }>> {
  try {
    const proposal = await host.propose({ ...request, idempotencyKey: request.idempotencyKey ?? randomKey() });
    return { status: "suggested", reason, proposal, request };
  } catch (error) {
    return {
      status: "unavailable",
      reason: `${reason}; the proposal failed: ${errorText(error)}`,
      error,
      request,
    };
  }
}

/**
 * Waits for a person's decision on a suggestion; on acceptance consumes the grant with the digest of
 * the accepted parameters and runs `act` on exactly those, once. A rejection, an expiry, a refused
 * grant (used, or another digest) or a timeout returns a status and never runs `act`.
 */
export async function carryOut<T>(
  host: GuardHost,
  proposal: { id: string },
  act: (parameters: Parameters) => T | Promise<T>,
  options: { timeoutMs?: number } = {},
): Promise<CarryOutResult<T>> {
  const answer = await host.awaitDecision(proposal.id, options);
  const decision = answer.decision;
  if (answer.status === "pending" || decision === null)
    return {
      status: answer.status === "expired" ? "expired" : "pending",
      reason: `the proposal is ${answer.status}`,
      proposal: answer,
    };
  if (decision.status === "rejected")
    return { status: "rejected", reason: decision.reason ?? "rejected", proposal: answer };
  if (answer.status === "expired") return { status: "expired", reason: "the grant expired", proposal: answer };
  if (decision.parameters === null)
    return { status: "refused", reason: "the decision grants no parameters", proposal: answer };
  // What is hashed is what runs: a frozen deep copy, so `act` cannot receive anything else.
  const parameters = deepFreeze(structuredClone(decision.parameters));
  const agent = host.agent ?? answer.agent;
  const digest = await actionDigest({
    agent,
    action: answer.action,
    audience: answer.audience,
    subject: answer.subject,
    parameters,
  });
  let consumed: ProposalAnswer;
  try {
    consumed = await host.consume(answer.id, digest);
  } catch (error) {
    // An accepted proposal keeps its status; only the consume learns that its grant ran out (410).
    if (error instanceof CwrApiError && error.code === "proposal_expired")
      return { status: "expired", reason: `the grant expired: ${errorText(error)}`, proposal: answer };
    return { status: "refused", reason: `the grant was refused: ${errorText(error)}`, proposal: answer };
  }
  return { status: "acted", result: await act(parameters), parameters, proposal: consumed };
}

function report(
  host: GuardHost,
  request: GuardRequest,
  tier: Tier,
  kind: "action.completed" | "action.escalated",
): string {
  return host.report({ action: request.action, kind, tier, subjectRef: request.subject });
}

function randomKey(): string {
  return globalThis.crypto.randomUUID();
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function deepFreeze<V>(value: V): V {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
