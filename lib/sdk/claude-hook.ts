// Claude Code's approval seam (SPEC §8, issue 23 item 4): a `PreToolUse` hook answers allow / ask /
// deny from the mapped action's tier through the guard, and a `PostToolUse` hook reports the outcome.
// The logic is here, as a function of the parsed hook input and a client; lib/sdk/bin/cwr-claude-hook.ts
// is the command Claude Code runs.
//
// Output format: Claude Code's hooks reference, "PreToolUse decision control"
// (https://code.claude.com/docs/en/hooks#pretooluse-decision-control): exit 0 and print
//   {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"|"deny"|"ask",
//    "permissionDecisionReason":"…"}}
// "allow" skips the permission prompt, "deny" blocks the call (the reason is shown to Claude), "ask"
// shows the prompt to the user (with the reason). PostToolUse needs no output.
import { guard, type GuardHost, type GuardRequest } from "./guard";
import type { CwrClient } from "./client";
import type { Audience } from "./types";

/** One Claude Code tool, as an action type of the agent. */
export interface HookToolMapping {
  action: string;
  audience: Audience;
  /** where the subject is in tool_input: a dotted path such as `$.file_path` or `ticket.id` */
  subject: string;
  /** the tool_input keys that are the parameters a person sees and decides (default: all of tool_input) */
  parameters?: string[];
}

export interface HookConfig {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  /** the name of the environment variable holding the agent's API key (default CWR_API_KEY) */
  apiKeyEnv?: string;
  tools: Record<string, HookToolMapping>;
  /** tools not in `tools`: CRAWL asks the user (default), RUN allows, deny blocks */
  unmapped?: "CRAWL" | "RUN" | "deny";
  /** how long to wait for the tiers, a proposal or the report (default 5000 ms) */
  timeoutMs?: number;
}

/** What Claude Code sends on stdin (the fields this hook reads). */
export interface HookInput {
  hook_event_name?: string;
  session_id?: string;
  tool_name?: string;
  tool_input?: unknown;
  tool_response?: unknown;
  tool_use_id?: string;
}

export type PermissionDecision = "allow" | "deny" | "ask";

export interface PreToolUseOutput {
  hookSpecificOutput: {
    hookEventName: "PreToolUse";
    permissionDecision: PermissionDecision;
    permissionDecisionReason: string;
  };
}

/** What the hook needs of the client (CwrClient has all of it). */
export type HookHost = Omit<GuardHost, "report"> &
  Pick<CwrClient, "ready" | "status" | "report"> & {
    /** sends what report() queued; answers what is still unsent */
    flush(): Promise<{ pending: number }>;
  };

/** The hook's view of a client. */
export function hookHost(client: CwrClient): HookHost {
  return {
    get agent() {
      return client.agent;
    },
    decide: (action, audience, subject) => client.decide(action, audience, subject),
    propose: (input) => client.propose(input),
    awaitDecision: (id, options) => client.awaitDecision(id, options),
    consume: (id, digest) => client.consume(id, digest),
    ready: (timeoutMs) => client.ready(timeoutMs),
    status: () => client.status(),
    report: (event) => client.report(event),
    flush: () => client.reporter.flush(),
  };
}

/** The hook's answer: what to print (null: nothing) and the exit code. */
export interface HookAnswer {
  output: PreToolUseOutput | null;
  exitCode: number;
  /** for stderr: what happened, in words */
  note: string;
}

const VALID_AUDIENCES: readonly string[] = ["internal", "external"];

/** A config read from a file, checked by hand (the SDK carries no schema library); throws on a bad one. */
export function parseHookConfig(raw: unknown): HookConfig {
  const fail = (why: string): never => {
    throw new Error(`cwr-claude-hook config: ${why}`);
  };
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) fail("not a JSON object");
  const c = raw as Record<string, unknown>;
  if (typeof c.baseUrl !== "string" || !/^https?:\/\//.test(c.baseUrl)) fail("baseUrl must be an http(s) URL");
  if (c.apiKeyEnv !== undefined && (typeof c.apiKeyEnv !== "string" || c.apiKeyEnv === ""))
    fail("apiKeyEnv must name an environment variable");
  if (c.unmapped !== undefined && !["CRAWL", "RUN", "deny"].includes(c.unmapped as string))
    fail('unmapped must be "CRAWL", "RUN" or "deny"');
  if (c.timeoutMs !== undefined && !(typeof c.timeoutMs === "number" && c.timeoutMs > 0))
    fail("timeoutMs must be a positive number");
  if (!c.tools || typeof c.tools !== "object" || Array.isArray(c.tools)) fail("tools must map tool names to actions");
  for (const [name, m] of Object.entries(c.tools as Record<string, unknown>)) {
    const t = m as Record<string, unknown> | null;
    if (!t || typeof t !== "object") fail(`tools.${name} is not an object`);
    if (typeof t!.action !== "string" || t!.action === "") fail(`tools.${name}.action is required`);
    if (!VALID_AUDIENCES.includes(t!.audience as string)) fail(`tools.${name}.audience must be internal or external`);
    if (typeof t!.subject !== "string" || t!.subject === "") fail(`tools.${name}.subject must be a path`);
    if (
      t!.parameters !== undefined &&
      !(Array.isArray(t!.parameters) && t!.parameters.every((p) => typeof p === "string"))
    )
      fail(`tools.${name}.parameters must be a list of tool_input keys`);
  }
  return c as unknown as HookConfig;
}

/** The value at a dotted path (`$.a.b`, `a.0.b`) in tool_input; undefined when absent. */
export function valueAt(input: unknown, path: string): unknown {
  const steps = path
    .replace(/^\$\.?/, "")
    .split(".")
    .filter(Boolean);
  let v: unknown = input;
  for (const step of steps) {
    if (v === null || typeof v !== "object" || !Object.prototype.hasOwnProperty.call(v, step)) return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}

function pre(decision: PermissionDecision, reason: string, note = reason): HookAnswer {
  return {
    output: {
      hookSpecificOutput: {
        hookEventName: "PreToolUse",
        permissionDecision: decision,
        permissionDecisionReason: reason,
      },
    },
    exitCode: 0,
    note,
  };
}

/** Fails closed: what a PreToolUse hook answers when anything goes wrong. */
export function denyOnError(error: unknown): HookAnswer {
  return pre("deny", `Crawl · Walk · Run could not decide, so the call is blocked: ${errorText(error)}`);
}

function requestOf(input: HookInput, mapping: HookToolMapping): GuardRequest | string {
  const toolInput = input.tool_input;
  if (!toolInput || typeof toolInput !== "object" || Array.isArray(toolInput)) return "tool_input is not an object";
  const subject = valueAt(toolInput, mapping.subject);
  if (!(typeof subject === "string" && subject !== "") && typeof subject !== "number")
    return `no subject at ${mapping.subject} in tool_input`;
  const all = toolInput as Record<string, unknown>;
  const parameters = mapping.parameters
    ? Object.fromEntries(mapping.parameters.filter((k) => k in all).map((k) => [k, all[k]]))
    : { ...all };
  const shown = JSON.stringify(parameters);
  return {
    action: mapping.action,
    audience: mapping.audience,
    subject: String(subject),
    summary: `${input.tool_name}: ${shown.length > 180 ? `${shown.slice(0, 180)}…` : shown}`,
    parameters,
    // A retried hook for the same tool call proposes the same proposal.
    ...(input.tool_use_id ? { idempotencyKey: `claude:${input.session_id ?? ""}:${input.tool_use_id}` } : {}),
  };
}

/** PreToolUse: allow where the guard acts, ask where it proposes (with the proposal's id), deny on doubt. */
async function preToolUse(input: HookInput, config: HookConfig, host: HookHost): Promise<HookAnswer> {
  const tool = input.tool_name ?? "";
  const mapping = Object.prototype.hasOwnProperty.call(config.tools, tool) ? config.tools[tool] : undefined;
  if (!mapping) {
    const rule = config.unmapped ?? "CRAWL";
    if (rule === "RUN") return pre("allow", `${tool} is not governed by Crawl · Walk · Run (unmapped: RUN)`);
    if (rule === "deny") return pre("deny", `${tool} is not mapped to an action type, and unmapped tools are blocked`);
    return pre("ask", `${tool} is not mapped to an action type: unmapped tools are CRAWL, a person decides`);
  }
  const request = requestOf(input, mapping);
  if (typeof request === "string") return pre("deny", `Blocked (fail closed): ${request}`);
  // Doubt is not CRAWL: without fresh tiers nothing is proposed and the call is blocked.
  await tiersLoaded(host, config.timeoutMs ?? 5000);
  const state = host.status();
  if (state.state !== "fresh")
    return pre(
      "deny",
      `Blocked (fail closed): no fresh tiers from Crawl · Walk · Run (${state.state}${state.lastError ? `: ${state.lastError.message}` : ""})`,
    );
  // The act is "let Claude Code run the tool"; its outcome is reported by PostToolUse, not here.
  const deciding: GuardHost = {
    agent: host.agent,
    decide: (action, audience, subject) => host.decide(action, audience, subject),
    propose: (proposal) => host.propose(proposal),
    awaitDecision: (id, options) => host.awaitDecision(id, options),
    consume: (id, digest) => host.consume(id, digest),
    report: () => "",
  };
  const result = await guard(deciding, request, () => "allow" as const);
  if (result.status === "acted")
    return pre("allow", `${mapping.action} is ${result.tier} for ${request.audience} ${request.subject}: allowed`);
  if (result.status === "suggested")
    return pre(
      "ask",
      `${mapping.action} may only be suggested here (${result.reason}). Suggestion ${result.proposal.id} is waiting for a person in Crawl · Walk · Run.`,
    );
  return pre("deny", `Blocked (fail closed): ${result.reason}`);
}

/** Waits for fresh tiers; gives up early on an error retrying cannot fix (a bad key), so a hook never lingers. */
async function tiersLoaded(host: HookHost, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (await host.ready(Math.max(0, Math.min(100, left)))) return true;
    if (host.status().state === "error" || left <= 100) return false;
  }
}

/** True when the tool's answer says it failed (an MCP isError, success: false, an error field, an interrupt). */
export function toolFailed(input: HookInput): boolean {
  if (input.hook_event_name === "PostToolUseFailure") return true;
  const r = input.tool_response;
  if (!r || typeof r !== "object") return false;
  const o = r as Record<string, unknown>;
  return (
    o.isError === true ||
    o.success === false ||
    o.interrupted === true ||
    (o.error !== undefined && o.error !== null && o.error !== false)
  );
}

/**
 * PostToolUse: reports the outcome at the tier the action is decided at now. Only where the tier let
 * the agent act: in CRAWL the outcome is the person's decision on the suggestion, recorded by the server.
 */
async function postToolUse(input: HookInput, config: HookConfig, host: HookHost): Promise<HookAnswer> {
  const tool = input.tool_name ?? "";
  const mapping = Object.prototype.hasOwnProperty.call(config.tools, tool) ? config.tools[tool] : undefined;
  if (!mapping) return { output: null, exitCode: 0, note: `${tool} is not mapped: nothing to report` };
  const request = requestOf(input, mapping);
  if (typeof request === "string") return { output: null, exitCode: 1, note: `not reported: ${request}` };
  if (!(await tiersLoaded(host, config.timeoutMs ?? 5000)))
    return { output: null, exitCode: 1, note: `not reported: no fresh tiers (${host.status().state})` };
  const decision = host.decide(request.action, request.audience, request.subject);
  if (!decision.allowed)
    return {
      output: null,
      exitCode: 0,
      note: `not reported: ${request.action} is not acted on here (${decision.reason})`,
    };
  const kind: "action.completed" | "action.escalated" = toolFailed(input) ? "action.escalated" : "action.completed";
  host.report({
    action: request.action,
    kind,
    tier: decision.answeredAs,
    subjectRef: request.subject,
    ...(input.tool_use_id ? { idempotencyKey: `claude:${input.session_id ?? ""}:${input.tool_use_id}:outcome` } : {}),
  });
  const { pending } = await host.flush();
  return pending === 0
    ? { output: null, exitCode: 0, note: `reported ${kind} at ${decision.answeredAs}` }
    : { output: null, exitCode: 1, note: `${kind} could not be sent (${pending} pending)` };
}

/** One hook invocation. Never throws: a PreToolUse that fails answers deny (fail closed). */
export async function claudeHook(input: HookInput, config: HookConfig, host: HookHost): Promise<HookAnswer> {
  const event = input.hook_event_name;
  try {
    if (event === "PreToolUse") return await preToolUse(input, config, host);
    if (event === "PostToolUse" || event === "PostToolUseFailure") return await postToolUse(input, config, host);
    return { output: null, exitCode: 0, note: `${String(event)}: nothing to do` };
  } catch (e) {
    if (event === "PreToolUse") return denyOnError(e);
    return { output: null, exitCode: 1, note: `failed: ${errorText(e)}` };
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
