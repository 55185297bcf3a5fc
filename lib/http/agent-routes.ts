// The agent's read routes (SPEC §4): decisions, tiers (all, with ETag/304, and one) and both OFREP
// evaluations, plus both event streams. Served by the node:http front (lib/http/front.ts) from
// the per-process tier cache, with the same zod schemas and error bodies as every other route.
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import type { Db } from "@/lib/db";
import { actionKeyParamsSchema, decisionRequestSchema } from "@/lib/action-types/schema";
import {
  cachedAgentEntry,
  cachedAgentEntryNow,
  freshAgentEntry,
  memo,
  type AgentTiers,
} from "@/lib/action-types/tier-cache";
import { decideWithContract } from "@cwr/gating/contract";
import type { KeyPrincipal } from "@/lib/keys/data";
import type { TierView } from "@/lib/action-types/schema";
import type { Audience } from "@cwr/gating/types";
import { AppError } from "@/lib/errors";
import { matchesIfNoneMatch, strongEtag } from "./etag";
import { checkOfrepContext, ofrepEvaluation, ofrepKeyParamsSchema, ofrepRequestSchema, targetingKeyOf } from "./ofrep";
import { INACTIVITY_DELAY_SEC } from "./ofrep-stream";
import { issueStreamToken, tokenWindow } from "./stream-token";
import { fastDecisionRequest, fastOfrepRequest } from "./hot-bodies";
import { publicBaseUrl } from "@/lib/urls/public-url";

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface AgentRequest<B> {
  req: IncomingMessage;
  db: Db;
  key: KeyPrincipal;
  /** the decoded path parameter, when the route has one */
  param: string | undefined;
  body: B;
  /** the request target's query string, without the `?` (absent: none) */
  query?: string;
}

export interface AgentRoute<B = unknown> {
  /** e.g. "POST /api/v1/decisions": logs and metrics */
  name: string;
  method: "GET" | "POST";
  /** OFREP routes answer errors in OFREP's shape */
  ofrep: boolean;
  /** the path parameter's schema (a mismatch is a 404) */
  param?: { name: string; schema: z.ZodType<Record<string, string>> };
  body?: z.ZodType<B>;
  /** the body's precompiled validator (lib/http/hot-bodies.ts): its value, or undefined when zod must answer */
  fastBody?: (v: unknown) => B | undefined;
  /** an Answer at once when the agent's tiers are cached, else a promise of it */
  handle(r: AgentRequest<B>): Answer | Promise<Answer>;
}

/** f of the agent's cached tiers: at once when they are loaded, else once they are. */
function withEntry(db: Db, agentId: string, f: (e: AgentTiers) => Answer): Answer | Promise<Answer> {
  const e = cachedAgentEntryNow(db, agentId);
  return e ? f(e) : cachedAgentEntry(db, agentId).then(f);
}

const ok = (body: string, headers?: Record<string, string>): Answer => ({ status: 200, body, headers });
const unchanged = (etag: string): Answer => ({ status: 304, headers: { etag, "cache-control": "no-cache" } });

const tiersJson = (e: AgentTiers) => memo(e, "tiers", () => JSON.stringify(e.list));
const tiersEtag = (e: AgentTiers) => memo(e, "tiers.etag", () => strongEtag(tiersJson(e)));
const flagsJson = (e: AgentTiers) =>
  memo(e, "ofrep.flags", () => JSON.stringify(e.list.map((v) => ofrepEvaluation(v))));
const viewJson = (e: AgentTiers, key: string) => memo(e, `view:${key}`, () => JSON.stringify(e.byKey.get(key)));
const flagJson = (e: AgentTiers, key: string) =>
  memo(e, `flag:${key}`, () => JSON.stringify(ofrepEvaluation(e.byKey.get(key)!)));

/**
 * The bulk answer's ETag covers the flags and the stream token's window (the URL in eventStreams
 * changes with it), so a client holding an expired stream URL gets a fresh one on its next fetch.
 */
function bulkEtagOf(e: AgentTiers, window: number): string {
  return memo(e, `ofrep.etag:${window}`, () => strongEtag(`${flagsJson(e)}\n${window}`));
}

export async function bulkEtag(db: Db, agentId: string): Promise<string> {
  return bulkEtagOf(await cachedAgentEntry(db, agentId), tokenWindow());
}

/** The decision's JSON (the answer's fields are decideWithContract's, less the slider's split flag). */
function decisionJson(tier: TierView | undefined, audience: Audience, subject: string | undefined): string {
  // An unknown action type is never allowed to act: decide(null) answers CRAWL / suggest.
  const { split: _split, ...decision } = decideWithContract(
    tier?.tier ?? null,
    tier?.frozen ?? false,
    audience,
    tier?.slider ?? null,
    subject,
    tier?.contract?.entries ?? null,
  );
  void _split;
  return JSON.stringify(decision);
}

const decisions: AgentRoute<z.infer<typeof decisionRequestSchema>> = {
  name: "POST /api/v1/decisions",
  method: "POST",
  ofrep: false,
  body: decisionRequestSchema,
  fastBody: fastDecisionRequest,
  handle: ({ db, key, body }) =>
    withEntry(db, key.agentId, (e) => {
      const tier = e.byKey.get(body.action);
      // Without a slider or a contract the subject only counts as given or not: the answer is
      // serialised once per entry (it goes with the entry when the tiers change). Unknown action
      // types are not memoised, so that made-up keys cannot grow the entry.
      if (!tier || tier.slider || tier.contract) return ok(decisionJson(tier, body.audience, body.subject));
      const given = body.subject !== undefined;
      return ok(
        memo(e, `decision:${body.action}\u0000${body.audience}\u0000${given}`, () =>
          decisionJson(tier, body.audience, body.subject),
        ),
      );
    }),
};

const tiers: AgentRoute = {
  name: "GET /api/v1/tiers",
  method: "GET",
  ofrep: false,
  handle: ({ req, db, key }) =>
    withEntry(db, key.agentId, (e) => {
      const etag = tiersEtag(e);
      if (matchesIfNoneMatch(req.headers["if-none-match"] ?? null, etag)) return unchanged(etag);
      return ok(
        `{"agent":${JSON.stringify(key.agentSlug)},"tiers":${tiersJson(e)},"generatedAt":"${new Date().toISOString()}"}`,
        { etag, "cache-control": "no-cache" },
      );
    }),
};

const tier: AgentRoute = {
  name: "GET /api/v1/tiers/{actionKey}",
  method: "GET",
  ofrep: false,
  param: { name: "actionKey", schema: actionKeyParamsSchema },
  async handle({ db, key, param }) {
    const e = await cachedAgentEntry(db, key.agentId);
    if (!e.byKey.has(param!)) throw new AppError("not_found", `This agent has no action type "${param}".`);
    return ok(viewJson(e, param!));
  },
};

const ofrepFlag: AgentRoute<z.infer<typeof ofrepRequestSchema>> = {
  name: "POST /ofrep/v1/evaluate/flags/{key}",
  method: "POST",
  ofrep: true,
  param: { name: "key", schema: ofrepKeyParamsSchema },
  body: ofrepRequestSchema,
  fastBody: fastOfrepRequest,
  async handle({ db, key, param, body }) {
    checkOfrepContext(body.context);
    const e = await cachedAgentEntry(db, key.agentId);
    const view = e.byKey.get(param!);
    if (!view) throw new AppError("not_found", `Flag "${param}" is not an action type of this agent.`);
    // A splitting slider or a contract answers per targetingKey; everything else is the memoised body.
    if (view.slider || view.contract) return ok(JSON.stringify(ofrepEvaluation(view, targetingKeyOf(body.context))));
    return ok(flagJson(e, param!));
  },
};

const ofrepFlags: AgentRoute<z.infer<typeof ofrepRequestSchema>> = {
  name: "POST /ofrep/v1/evaluate/flags",
  method: "POST",
  ofrep: true,
  body: ofrepRequestSchema,
  fastBody: fastOfrepRequest,
  handle({ req, db, key, body, query }) {
    checkOfrepContext(body.context);
    const window = tokenWindow();
    const announced = flagConfigEtagOf(query);
    const e = cachedAgentEntryNow(db, key.agentId);
    // At once from the cached entry, unless a notice names another configuration (see configurationAtLeast).
    if (e && (announced === null || announced === bulkEtagOf(e, window))) return bulkAnswer(e, req, key, body, window);
    return configurationAtLeast(db, key.agentId, announced, window).then((fresh) =>
      bulkAnswer(fresh, req, key, body, window),
    );
  },
};

function bulkAnswer(
  e: AgentTiers,
  req: IncomingMessage,
  key: KeyPrincipal,
  body: z.infer<typeof ofrepRequestSchema>,
  window: number,
): Answer {
  // A splitting slider or a contract makes the answer depend on the targetingKey: its own body and ETag.
  const subject = targetingKeyOf(body.context);
  const perSubject = subject !== undefined && e.list.some((v) => v.slider || v.contract);
  const flags = perSubject ? JSON.stringify(e.list.map((v) => ofrepEvaluation(v, subject))) : flagsJson(e);
  const etag = perSubject ? strongEtag(`${flags}\n${window}`) : bulkEtagOf(e, window);
  if (matchesIfNoneMatch(req.headers["if-none-match"] ?? null, etag)) return unchanged(etag);
  const origin = baseUrl();
  // The stream URL is the same for every request of this key in this token window, and so, without
  // a per-subject answer, is the whole body: serialised once per (tiers entry, key, window).
  const tail = memo(e, `bulk-tail:${key.keyId}:${window}:${origin}`, () => {
    const token = issueStreamToken({ agentId: key.agentId, keyId: key.keyId });
    const eventStreams = [
      { type: "sse", url: `${origin}${OFREP_STREAM_PATH}?token=${token}`, inactivityDelaySec: INACTIVITY_DELAY_SEC },
    ];
    return `,"eventStreams":${JSON.stringify(eventStreams)}}`;
  });
  const json = perSubject
    ? `{"flags":${flags}${tail}`
    : memo(e, `bulk:${key.keyId}:${window}:${origin}`, () => `{"flags":${flags}${tail}`);
  return ok(json, { etag, "cache-control": "no-cache" });
}

/** publicBaseUrl(), read again only when the settings it reads change (a URL parse per request is not free). */
let base: { of: string; url: string } | undefined;
function baseUrl(): string {
  const of = `${process.env.PUBLIC_URL}\u0000${process.env.AUTH_URL}\u0000${process.env.PORT}`;
  if (base?.of !== of) base = { of, url: publicBaseUrl() };
  return base.url;
}

/** OFREP ADR-0008: the ETag of the `refetchEvaluation` notice that triggered this re-fetch, if any. */
function flagConfigEtagOf(query = ""): string | null {
  return query.includes("flagConfigEtag") ? new URLSearchParams(query).get("flagConfigEtag") : null;
}

/**
 * The agent's entry, no older than the configuration `announced` names. A notice may come from
 * another instance before this one has heard of the change: unless the cached entry is the announced
 * configuration itself, it is read again from the database, which holds every committed change
 * (whether the announced one is older or newer than the cached one is not known, so never assumed).
 */
async function configurationAtLeast(db: Db, agentId: string, announced: string | null, window: number) {
  const e = await cachedAgentEntry(db, agentId);
  if (announced === null || announced === bulkEtagOf(e, window)) return e;
  return freshAgentEntry(db, agentId);
}

export const OFREP_STREAM_PATH = "/ofrep/v1/events";
/** The SDK's tier stream (lib/http/sse.ts), a key route like the others. */
export const TIER_STREAM_PATH = "/api/v1/tiers/stream";

export const AGENT_ROUTES = { decisions, tiers, tier, ofrepFlag, ofrepFlags } as const;

/** Every route the front answers, as "METHOD /path/{param}" (the access matrix covers them like route files). */
export const FRONT_ROUTES = [
  ...Object.values(AGENT_ROUTES).map((r) => r.name),
  `GET ${OFREP_STREAM_PATH}`,
  `GET ${TIER_STREAM_PATH}`,
];
