// The OpenAI Agents SDK's approval seam (`needsApproval` + `execute`) run by the guard (SPEC §8).
// `needsApproval` answers false where the tier allows the call now, and true otherwise, having
// proposed it (one proposal per tool call: its key is the call id). The run's interruption then
// stands for that proposal (`proposalOf`). `execute` runs through the guard: where the tier allows it
// the guard acts and reports; where a proposal stands, it runs what a person accepted, once, under
// the grant, and nothing at all when the proposal is rejected, expired or still pending.
//
// Nothing here is imported from `@openai/agents`: the wrapper returns the options `tool()` takes, and
// reads the tool call and the interruption by their shape, so `@cwr/sdk` does not depend on it.
import { admit, suggest, type GuardRequest, type GuardResult, type Parameters } from "../guard";
import type { CwrClient } from "../client";
import type { Audience } from "../types";

/** How a tool's arguments become the action a person would decide. The arguments are the parameters. */
export interface ToolGate<A> {
  action: string;
  audience: Audience | ((args: A) => Audience);
  subject: string | ((args: A) => string);
  /** the line a person reads if the call becomes a suggestion */
  summary: string | ((args: A) => string);
  /** how long `execute` waits for a person's decision once the host approved (default 0: as it stands) */
  decisionTimeoutMs?: number;
}

/** What the adapter needs of the client (CwrClient has it). */
export type GateClient = Pick<CwrClient, "decide" | "propose" | "guard" | "awaitDecision">;

/** What stands behind an interruption: the proposal a person decides, or why none could be made. */
export type ToolSuggestion = Exclude<GuardResult<never>, { status: "acted" }>;

/** The parts of a tool call and of an interruption (RunToolApprovalItem) the adapter reads. */
interface CallDetails {
  toolCall?: { callId?: string };
}
interface ApprovalItem {
  rawItem: { type: string; callId?: string; name?: string; arguments?: string };
}

const MAX_REMEMBERED_CALLS = 1000;

type Execute<A, R> = (input: A, context?: never, details?: CallDetails) => R | Promise<R>;

export function createToolGate<A extends Parameters>(client: GateClient, gate: ToolGate<A>) {
  const names = new Set<string>();
  const byCall = new Map<string, ToolSuggestion>();

  const request = (name: string, args: A, callId: string | undefined): GuardRequest => ({
    action: gate.action,
    audience: typeof gate.audience === "function" ? gate.audience(args) : gate.audience,
    subject: typeof gate.subject === "function" ? gate.subject(args) : gate.subject,
    summary: typeof gate.summary === "function" ? gate.summary(args) : gate.summary,
    parameters: args,
    idempotencyKey: callId === undefined ? undefined : callKey(name, callId),
  });

  const propose = async (req: GuardRequest, reason: string, callId: string | undefined) => {
    const suggestion = await suggest(client, req, reason);
    if (callId !== undefined) {
      byCall.set(callId, suggestion);
      // Interruptions the host rejects never reach `execute`: forget the oldest past a bound.
      if (byCall.size > MAX_REMEMBERED_CALLS) byCall.delete(byCall.keys().next().value!);
    }
    return suggestion;
  };

  return {
    /**
     * The tool options with `needsApproval` and `execute` gated; pass the result to `tool()`.
     * `execute` answers the model with a sentence instead of its result when nothing ran.
     */
    wrap<O extends { name: string; parameters?: unknown; execute: Execute<A, unknown> }>(
      options: O,
    ): Omit<O, "needsApproval"> & {
      needsApproval: (context: unknown, input: A, callId?: string) => Promise<boolean>;
    } {
      const { name } = options;
      names.add(name);
      const run = options.execute;
      return {
        ...options,
        async needsApproval(_context: unknown, input: A, callId?: string) {
          const req = request(name, input, callId);
          const decision = admit(client, req);
          if (decision.allowed) return false;
          await propose(req, decision.reason, callId);
          return true;
        },
        async execute(input: A, context?: never, details?: CallDetails) {
          const callId = details?.toolCall?.callId;
          const act = (parameters: Parameters) => run(parameters as A, context, details);
          // A person's edit did not pass the tool's schema the way the model's arguments did.
          const actChecked = async (parameters: Parameters) => {
            await fitsSchema(options.parameters, parameters);
            return act(parameters);
          };
          let suggestion = callId === undefined ? undefined : byCall.get(callId);
          if (suggestion?.status !== "suggested") {
            // Not proposed by this gate (the tier allowed it, or the run was restored elsewhere): the
            // guard decides again; its proposal has the call's key, so it finds one made before.
            const guarded = await client.guard(request(name, input, callId), act);
            if (guarded.status === "acted") return guarded.result;
            suggestion = guarded;
          }
          if (suggestion.status === "unavailable") return `Not done: ${suggestion.reason}`;
          // The host approved the interruption: carry out what a person accepted, if they did.
          const { proposal } = suggestion;
          let carried;
          try {
            carried = await client.awaitDecision(proposal, actChecked, { timeoutMs: gate.decisionTimeoutMs ?? 0 });
          } catch (e) {
            if (e instanceof SchemaMismatch) return `Not done: suggestion ${proposal.id}: ${e.message}`;
            throw e;
          } finally {
            if (callId !== undefined) byCall.delete(callId);
          }
          if (carried.status === "acted") return carried.result;
          return `Not done: suggestion ${proposal.id} is ${carried.status}: ${carried.reason}`;
        },
      } as never;
    },

    /**
     * The proposal behind an interruption of a gated tool (undefined for other interruptions). Asks
     * the server again, with the call's key, when this process did not make it (a restored run).
     */
    async proposalOf(item: ApprovalItem): Promise<ToolSuggestion | undefined> {
      const { type, callId, name, arguments: text } = item.rawItem;
      if (type !== "function_call" || callId === undefined || name === undefined || !names.has(name)) return undefined;
      const known = byCall.get(callId);
      if (known) return known;
      let args: A;
      try {
        args = JSON.parse(text ?? "") as A;
      } catch {
        return undefined;
      }
      return propose(request(name, args, callId), "the call awaits a person's decision", callId);
    },
  };
}

class SchemaMismatch extends Error {}

/**
 * Throws SchemaMismatch unless `value` passes `schema` (a Standard Schema such as zod's; a plain JSON
 * schema is not checked here). The value itself runs unchanged: it is what the grant's digest covers.
 */
async function fitsSchema(schema: unknown, value: unknown): Promise<void> {
  const standard = (schema as { "~standard"?: { validate?: unknown } } | null)?.["~standard"];
  if (typeof standard?.validate !== "function") return;
  const result = (await (standard.validate as (v: unknown) => unknown)(value)) as {
    issues?: ReadonlyArray<{ message: string; path?: ReadonlyArray<unknown> }>;
  };
  if (result.issues && result.issues.length > 0) {
    const first = result.issues[0]!;
    const where = first.path?.map((p) => String((p as { key?: unknown })?.key ?? p)).join(".") ?? "";
    throw new SchemaMismatch(
      `the accepted parameters do not fit the tool's schema (${where ? `${where}: ` : ""}${first.message}); nothing ran and the grant is used`,
    );
  }
}

/** The proposal's idempotency key: one proposal per tool call (the server allows 128 characters). */
function callKey(name: string, callId: string): string {
  const key = `openai-agents:${name}:${callId}`;
  return key.length <= 128 ? key : `openai-agents:${name.slice(0, 40)}:${callId.slice(-70)}`;
}
