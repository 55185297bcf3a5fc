// LangGraph's approval seam (`interrupt()` + `Command({ resume })`) run by the guard (SPEC §8). A
// gated node acts where the guard acts (and the guard reports the outcome); otherwise it proposes and
// interrupts the graph with the proposal. Resumed (after a person decided), LangGraph runs the node
// again from the top: the proposal's key is the thread's and the node task's, so the guard finds the
// same proposal instead of making a second, and the node carries out what the person accepted, once,
// under the grant. The resume value is not trusted for anything: the decision is read from the server.
import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { CarryOutResult, GuardRequest, GuardResult, Parameters } from "../guard";
import type { CwrClient } from "../client";

/** What the adapter needs of the client (CwrClient has it). */
export type GateClient = Pick<CwrClient, "guard" | "awaitDecision">;

/** What the graph is interrupted with: the host shows the proposal, then resumes once it is decided. */
export interface GatedInterrupt {
  proposal: Extract<GuardResult<never>, { status: "suggested" }>["proposal"];
  reason: string;
  summary: string;
}

/** Why the node did not act: no proposal could be made, or the person's decision was not an acceptance. */
export type NotActed =
  Extract<GuardResult<never>, { status: "unavailable" }> | Exclude<CarryOutResult<never>, { status: "acted" }>;

export interface GatedNodeOptions {
  /** how long the resumed node waits for a person's decision (default 0: as it stands) */
  decisionTimeoutMs?: number;
}

/**
 * A node that runs `act` only as the guard allows: at once where the tier allows it, else after a
 * person accepted the proposal (with the accepted parameters). `otherwise` gives the node's update
 * when nothing ran (default: no update).
 */
export function gatedNode<S, U = Partial<S>>(
  client: GateClient,
  build: (state: S, config: LangGraphRunnableConfig) => Omit<GuardRequest, "idempotencyKey">,
  act: (parameters: Parameters, state: S) => U | Promise<U>,
  otherwise: (result: NotActed, state: S) => U = () => ({}) as U,
  options: GatedNodeOptions = {},
): (state: S, config: LangGraphRunnableConfig) => Promise<U> {
  return async (state, config) => {
    const request: GuardRequest = { ...build(state, config), idempotencyKey: await nodeKey(config) };
    const guarded = await client.guard(request, (parameters) => act(parameters, state));
    if (guarded.status === "acted") return guarded.result;
    if (guarded.status === "unavailable") return otherwise(guarded, state);
    const value: GatedInterrupt = { proposal: guarded.proposal, reason: guarded.reason, summary: request.summary };
    interrupt(value); // the first time it stops the graph here; resumed, it returns and we go on
    const carried = await client.awaitDecision(guarded.proposal, (parameters) => act(parameters, state), {
      timeoutMs: options.decisionTimeoutMs ?? 0,
    });
    return carried.status === "acted" ? carried.result : otherwise(carried, state);
  };
}

/**
 * One proposal per node task of a thread: the same on the node's re-entry after a resume, another
 * for another thread or another pass through the node. Without a thread (no checkpointer, so no
 * resume either) every call proposes anew.
 */
async function nodeKey(config: LangGraphRunnableConfig): Promise<string | undefined> {
  const thread = config.configurable?.thread_id as unknown;
  const task = config.configurable?.checkpoint_ns as unknown;
  if (thread === undefined || thread === null) return undefined;
  const text = JSON.stringify([String(thread), String(task ?? "")]);
  const hash = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return `langgraph:${Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
