// Crawl · Walk · Run agent SDK: tiers in memory (fail closed), the tier stream, outcome reporting.
export { CwrClient, createClient, decideLocally, toTierView } from "./client";
export type { ClientOptions, ClientState, ClientStatus, TierChange } from "./client";
export { Reporter, createReporter } from "./reporter";
export type { ReportInput, ReporterOptions, ReporterStats, RejectedEvent, FlushResult, CloseResult } from "./reporter";
export { SseParser } from "./sse";
export { guard, carryOut, admit, suggest } from "./guard";
export type { GuardRequest, GuardResult, CarryOutResult, GuardHost } from "./guard";
export { actionDigest } from "./digest";
// The OpenAI Agents adapter imports nothing from @openai/agents, so it costs other users nothing. The
// LangGraph adapter needs @langchain/langgraph at run time: it is only at its own entry point
// (./adapters/langgraph).
export { createToolGate } from "./adapters/openai-agents";
export type { ToolGate, ToolSuggestion } from "./adapters/openai-agents";
export { claudeHook, hookHost, parseHookConfig, toolFailed, valueAt } from "./claude-hook";
export type { HookAnswer, HookConfig, HookHost, HookInput, HookToolMapping, PreToolUseOutput } from "./claude-hook";
export { decideProposal } from "./proposals";
export type {
  ProposalAnswer,
  ProposalCreated,
  ProposalDecisionRequest,
  ProposalRequest,
  ProposalStatus,
  ProposalsContext,
} from "./proposals";
export type { SseMessage, SseHandlers } from "./sse";
export { CwrApiError, parseRetryAfter, backoffDelay } from "./http";
export type { FetchLike } from "./http";
export { MODE_OF, TIER_LIST } from "./types";
export type {
  Audience,
  Decision,
  EventKind,
  EventResult,
  EventsResponse,
  Mode,
  OutcomeEvent,
  Severity,
  Tier,
  TierView,
} from "./types";
