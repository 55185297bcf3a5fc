// CRAWL from the agent's side (SPEC §8): propose an action, wait for a person's decision, then
// execute exactly the granted parameters once, consuming the grant with their digest first.
import { apiError, joinUrl, timeoutSignal, type FetchLike } from "./http";
import type { Audience } from "./types";

export interface ProposalRequest {
  /** a retry with the same key answers the same proposal */
  idempotencyKey: string;
  action: string;
  audience: Audience;
  subject: string;
  /** one line a person reads */
  summary: string;
  /** a JSON object, at most 8 KiB and 8 levels deep */
  parameters: Record<string, unknown>;
}

export interface ProposalCreated {
  id: string;
  digest: string;
  status: "pending";
  expiresAt: string;
}

export type ProposalStatus = "pending" | "accepted" | "edited" | "rejected" | "expired";

export interface ProposalAnswer {
  id: string;
  agent: string;
  action: string;
  audience: Audience;
  subject: string;
  summary: string;
  parameters: Record<string, unknown>;
  digest: string;
  status: ProposalStatus;
  createdAt: string;
  expiresAt: string;
  decision: {
    status: "accepted" | "edited" | "rejected";
    decidedAt: string;
    decidedBy: { id: string; name: string } | null;
    reason: string | null;
    /** what the grant allows: execute these, and consume with `digest` */
    parameters: Record<string, unknown> | null;
    digest: string | null;
  } | null;
  consumedAt: string | null;
}

/** The server holds a long poll at most this long; awaitDecision asks again until its own timeout. */
const MAX_WAIT_SECONDS = 30;

export interface ProposalsContext {
  baseUrl: string;
  apiKey: string;
  fetch: FetchLike;
  now: () => number;
  signal?: AbortSignal;
  /** per request, beyond the long poll's own wait (default 10 000 ms) */
  timeoutMs?: number;
}

async function call<T>(ctx: ProposalsContext, method: string, path: string, body?: unknown, waitMs = 0): Promise<T> {
  const { signal, dispose } = timeoutSignal(ctx.signal, (ctx.timeoutMs ?? 10_000) + waitMs);
  try {
    const res = await ctx.fetch(joinUrl(ctx.baseUrl, path), {
      method,
      headers: {
        authorization: `Bearer ${ctx.apiKey}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (!res.ok) throw await apiError(res, ctx.now());
    return (await res.json()) as T;
  } finally {
    dispose();
  }
}

export function propose(ctx: ProposalsContext, input: ProposalRequest): Promise<ProposalCreated> {
  return call(ctx, "POST", "/api/v1/proposals", input);
}

/** The proposal once decided (or expired), or as it stands when `timeoutMs` (default 5 minutes) runs out. */
export async function awaitDecision(
  ctx: ProposalsContext,
  id: string,
  options: { timeoutMs?: number } = {},
): Promise<ProposalAnswer> {
  const deadline = ctx.now() + (options.timeoutMs ?? 300_000);
  const path = `/api/v1/proposals/${encodeURIComponent(id)}`;
  for (;;) {
    const wait = Math.max(0, Math.min(MAX_WAIT_SECONDS, Math.floor((deadline - ctx.now()) / 1000)));
    const answer = await call<ProposalAnswer>(ctx, "GET", `${path}?wait=${wait}`, undefined, wait * 1000);
    if (answer.status !== "pending" || wait === 0 || ctx.now() >= deadline) return answer;
  }
}

/** What awaitDecision needs of a live tier stream: whether it is connected, and a wake-up per proposal. */
export interface DecisionStream {
  live(): boolean;
  /** resolves when the stream says `proposal_decided` for `id`, drops, or `ms` pass; register before asking */
  watch(id: string, ms: number): { wait: Promise<void>; cancel(): void };
}

/** Without news from the stream, it asks again this often anyway (a notice lost in a reconnect). */
const STREAM_RECHECK_MS = 30_000;

/**
 * awaitDecision over the tier stream: one plain GET, then sleep until the stream's `proposal_decided`
 * for this proposal (no long poll held open); the long poll takes over whenever the stream is down.
 */
export async function awaitDecisionStreamed(
  ctx: ProposalsContext,
  stream: DecisionStream,
  id: string,
  options: { timeoutMs?: number } = {},
): Promise<ProposalAnswer> {
  const deadline = ctx.now() + (options.timeoutMs ?? 300_000);
  const path = `/api/v1/proposals/${encodeURIComponent(id)}`;
  for (;;) {
    if (!stream.live()) return awaitDecision(ctx, id, { timeoutMs: Math.max(0, deadline - ctx.now()) });
    const watch = stream.watch(id, Math.max(0, Math.min(STREAM_RECHECK_MS, deadline - ctx.now())));
    try {
      const answer = await call<ProposalAnswer>(ctx, "GET", path);
      if (answer.status !== "pending" || ctx.now() >= deadline) return answer;
      await watch.wait;
    } finally {
      watch.cancel();
    }
  }
}

/** Uses the grant once: call it right before executing exactly the parameters `digest` stands for. */
export function consume(ctx: ProposalsContext, id: string, digest: string): Promise<ProposalAnswer> {
  return call(ctx, "POST", `/api/v1/proposals/${encodeURIComponent(id)}/consume`, { digest });
}

/** A system of record's decision; `decidedBy` is its own user id for the person who decided. */
export type ProposalDecisionRequest =
  | { decision: "accept"; decidedBy: string }
  | { decision: "edit"; parameters: Record<string, unknown>; decidedBy: string }
  | { decision: "reject"; reason: string; decidedBy: string };

/**
 * Decides the agent's proposal with a reporter key of the agent (a helpdesk, a payments ledger); the
 * agent's own key is refused (403). A retry of the same decision answers it again.
 */
export function decideProposal(
  ctx: ProposalsContext,
  id: string,
  input: ProposalDecisionRequest,
): Promise<ProposalAnswer> {
  return call(ctx, "POST", `/api/v1/proposals/${encodeURIComponent(id)}/decision`, input);
}
