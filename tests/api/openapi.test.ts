// The OpenAPI 3.1 document at /api/v1/openapi.json is a valid document, and it tells the truth:
// every real answer of every route (successes and the main errors) has its status declared for that
// path and method, with a body that validates against the declared schema.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsImport from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, signInCookie, startServer, type TestServer } from "../helpers/server";

/* eslint-disable @typescript-eslint/no-explicit-any */
const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

const PUBLIC_AUDIT_ROUTES = [
  "/api/v1/audit/verifier-key",
  "/api/v1/audit/checkpoint",
  "/api/v1/audit/proof/consistency",
  "/api/v1/audit/cosignatures",
];

let server: TestServer;
let support: string;
let infra: string;
let limited: string; // a key that has used up its rate limit
let doc: any;
let streamPath: string; // path and query of the OFREP event stream the bulk answer gives
let proposalId: string; // a pending proposal of support-bot's
const cookies: Record<string, string> = {}; // "<auditor>", "<viewer>": signed-in sessions
let ajv: Ajv2020;
const DOC_ID = "https://cwr.invalid/openapi.json";

/** A schema from the document, its local refs made absolute so ajv resolves them in the registered document. */
function absolute(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`));
}

function validate(schema: unknown, value: unknown): string | null {
  const check = ajv.compile(absolute(schema) as object);
  return check(value) ? null : ajv.errorsText(check.errors, { dataVar: "body" });
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface Call {
  name: string;
  method: "GET" | "POST";
  /** the path template as the document names it */
  template: string;
  path: string;
  key?: string | null;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
  type?: string;
  expect: number;
  /** send through node:http with the path byte for byte */
  rawPath?: boolean;
  /** answered 200 with some events rejected on their own: not a request the document calls valid */
  partial?: boolean;
}

const at = () => new Date(Date.now() - 60_000).toISOString();
const event = (o: Record<string, unknown> = {}) => ({
  idempotencyKey: `oa-${randomUUID()}`,
  action: "ticket.reply",
  kind: "action.completed",
  tier: "WALK",
  occurredAt: at(),
  ...o,
});
const proposal = (o: Record<string, unknown> = {}) => ({
  idempotencyKey: `oa-${randomUUID()}`,
  action: "refund.issue",
  audience: "external",
  subject: "customer:42",
  summary: "Refund order A-1001",
  parameters: { order: "A-1001", amount: 12.5 },
  ...o,
});
const PROPOSED = proposal();
const NO_SUCH = "/api/v1/proposals/00000000-0000-4000-8000-000000000000";
const big = (body: object) => JSON.stringify({ ...body, pad: "x".repeat(1024 * 1024) });

async function send(c: Call): Promise<Answer> {
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  const key = c.key === undefined ? support : c.key;
  if (key) headers.authorization = `Bearer ${key}`;
  const body = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  if (body !== undefined) headers["content-type"] = c.type ?? "application/json";
  if (c.rawPath) {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port: server.port, method: c.method, path: c.path, headers },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (text += d));
          res.on("end", () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h.set(k, v);
            resolve({ status: res.statusCode!, headers: h, text });
          });
        },
      );
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
  const ctrl = new AbortController();
  const res = await fetch(server.baseUrl + c.path, { method: c.method, headers, body, signal: ctrl.signal });
  let text = "";
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    while (!text.includes("event: snapshot") && !text.includes("refetchEvaluation")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    ctrl.abort();
  } else text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

const CALLS: Call[] = [
  // POST /api/v1/proposals, GET /api/v1/proposals/{id}, POST /api/v1/proposals/{id}/consume
  {
    name: "propose",
    method: "POST",
    template: "/api/v1/proposals",
    path: "/api/v1/proposals",
    body: PROPOSED,
    expect: 201,
  },
  {
    name: "propose, retried",
    method: "POST",
    template: "/api/v1/proposals",
    path: "/api/v1/proposals",
    body: PROPOSED,
    expect: 200,
  },
  {
    name: "propose, key reused",
    method: "POST",
    template: "/api/v1/proposals",
    path: "/api/v1/proposals",
    body: { ...PROPOSED, subject: "customer:43" },
    expect: 409,
  },
  {
    name: "propose, unknown field",
    method: "POST",
    template: "/api/v1/proposals",
    path: "/api/v1/proposals",
    body: proposal({ amount: 1 }),
    expect: 422,
  },
  {
    name: "propose, malformed JSON",
    method: "POST",
    template: "/api/v1/proposals",
    path: "/api/v1/proposals",
    raw: "{",
    expect: 400,
  },
  {
    name: "propose, no key",
    method: "POST",
    template: "/api/v1/proposals",
    path: "/api/v1/proposals",
    key: null,
    body: proposal(),
    expect: 401,
  },
  {
    name: "proposal",
    method: "GET",
    template: "/api/v1/proposals/{id}",
    path: "/api/v1/proposals/<proposal>",
    expect: 200,
  },
  {
    name: "proposal, waited",
    method: "GET",
    template: "/api/v1/proposals/{id}",
    path: "/api/v1/proposals/<proposal>?wait=1",
    expect: 200,
  },
  {
    name: "proposal, wait too long",
    method: "GET",
    template: "/api/v1/proposals/{id}",
    path: "/api/v1/proposals/<proposal>?wait=31",
    expect: 400,
  },
  { name: "proposal, unknown", method: "GET", template: "/api/v1/proposals/{id}", path: NO_SUCH, expect: 404 },
  {
    name: "proposal, no key",
    method: "GET",
    template: "/api/v1/proposals/{id}",
    path: NO_SUCH,
    key: null,
    expect: 401,
  },
  {
    name: "consume, pending",
    method: "POST",
    template: "/api/v1/proposals/{id}/consume",
    path: "/api/v1/proposals/<proposal>/consume",
    body: { digest: "0".repeat(64) },
    expect: 409,
  },
  {
    name: "consume, unknown",
    method: "POST",
    template: "/api/v1/proposals/{id}/consume",
    path: `${NO_SUCH}/consume`,
    body: { digest: "0".repeat(64) },
    expect: 404,
  },
  {
    name: "consume, not a digest",
    method: "POST",
    template: "/api/v1/proposals/{id}/consume",
    path: "/api/v1/proposals/<proposal>/consume",
    body: { digest: "abc" },
    expect: 422,
  },
  {
    name: "consume, no key",
    method: "POST",
    template: "/api/v1/proposals/{id}/consume",
    path: `${NO_SUCH}/consume`,
    key: null,
    body: { digest: "0".repeat(64) },
    expect: 401,
  },
  {
    name: "decision, the agent's own key",
    method: "POST",
    template: "/api/v1/proposals/{id}/decision",
    path: "/api/v1/proposals/<proposal>/decision",
    body: { decision: "accept", decidedBy: "helpdesk-user-1" },
    expect: 403,
  },
  {
    name: "decision, no key",
    method: "POST",
    template: "/api/v1/proposals/{id}/decision",
    path: `${NO_SUCH}/decision`,
    key: null,
    body: { decision: "accept", decidedBy: "helpdesk-user-1" },
    expect: 401,
  },
  {
    name: "decision, rate limited",
    method: "POST",
    template: "/api/v1/proposals/{id}/decision",
    path: `${NO_SUCH}/decision`,
    key: "<limited>",
    body: { decision: "accept", decidedBy: "helpdesk-user-1" },
    expect: 429,
  },
  // GET /api/v1/tiers
  { name: "tiers", method: "GET", template: "/api/v1/tiers", path: "/api/v1/tiers", expect: 200 },
  {
    name: "tiers, unchanged",
    method: "GET",
    template: "/api/v1/tiers",
    path: "/api/v1/tiers",
    headers: { "if-none-match": "<etag>" },
    expect: 304,
  },
  { name: "tiers, no key", method: "GET", template: "/api/v1/tiers", path: "/api/v1/tiers", key: null, expect: 401 },
  // GET /api/v1/tiers/{actionKey}
  {
    name: "one tier",
    method: "GET",
    template: "/api/v1/tiers/{actionKey}",
    path: "/api/v1/tiers/ticket.tag",
    expect: 200,
  },
  {
    name: "one tier, frozen",
    method: "GET",
    template: "/api/v1/tiers/{actionKey}",
    path: "/api/v1/tiers/db.migrate",
    key: "<infra>",
    expect: 200,
  },
  {
    name: "one tier, unknown",
    method: "GET",
    template: "/api/v1/tiers/{actionKey}",
    path: "/api/v1/tiers/no.such.action",
    expect: 404,
  },
  {
    name: "one tier, constructor",
    method: "GET",
    template: "/api/v1/tiers/{actionKey}",
    path: "/api/v1/tiers/constructor",
    expect: 404,
  },
  {
    name: "one tier, not an action key",
    method: "GET",
    template: "/api/v1/tiers/{actionKey}",
    path: "/api/v1/tiers/Not_A_Key",
    expect: 404,
  },
  {
    name: "one tier, bad percent-escape",
    method: "GET",
    template: "/api/v1/tiers/{actionKey}",
    path: "/api/v1/tiers/%E0%A4%A",
    rawPath: true,
    expect: 400,
  },
  {
    name: "one tier, no key",
    method: "GET",
    template: "/api/v1/tiers/{actionKey}",
    path: "/api/v1/tiers/ticket.tag",
    key: null,
    expect: 401,
  },
  // GET /api/v1/tiers/stream
  { name: "stream", method: "GET", template: "/api/v1/tiers/stream", path: "/api/v1/tiers/stream", expect: 200 },
  {
    name: "stream, no key",
    method: "GET",
    template: "/api/v1/tiers/stream",
    path: "/api/v1/tiers/stream",
    key: null,
    expect: 401,
  },
  // POST /api/v1/decisions
  {
    name: "decision",
    method: "POST",
    template: "/api/v1/decisions",
    path: "/api/v1/decisions",
    body: { action: "ticket.tag", audience: "external" },
    expect: 200,
  },
  {
    name: "decision, unknown action",
    method: "POST",
    template: "/api/v1/decisions",
    path: "/api/v1/decisions",
    body: { action: "constructor", audience: "internal" },
    expect: 200,
  },
  {
    name: "decision, malformed JSON",
    method: "POST",
    template: "/api/v1/decisions",
    path: "/api/v1/decisions",
    raw: '{"action":',
    expect: 400,
  },
  {
    name: "decision, too big",
    method: "POST",
    template: "/api/v1/decisions",
    path: "/api/v1/decisions",
    raw: big({ action: "ticket.tag", audience: "internal" }),
    expect: 413,
  },
  {
    name: "decision, text/plain",
    method: "POST",
    template: "/api/v1/decisions",
    path: "/api/v1/decisions",
    body: { action: "ticket.tag", audience: "internal" },
    type: "text/plain",
    expect: 415,
  },
  {
    name: "decision, enum case",
    method: "POST",
    template: "/api/v1/decisions",
    path: "/api/v1/decisions",
    body: { action: "ticket.tag", audience: "Internal" },
    expect: 422,
  },
  {
    name: "decision, unknown field",
    method: "POST",
    template: "/api/v1/decisions",
    path: "/api/v1/decisions",
    body: { action: "ticket.tag", audience: "internal", urgent: true },
    expect: 422,
  },
  {
    name: "decision, no key",
    method: "POST",
    template: "/api/v1/decisions",
    path: "/api/v1/decisions",
    key: null,
    body: { action: "ticket.tag", audience: "internal" },
    expect: 401,
  },
  // POST /api/v1/events
  {
    name: "events",
    method: "POST",
    template: "/api/v1/events",
    path: "/api/v1/events",
    body: { events: [event(), event({ kind: "incident", severity: "low" })] },
    expect: 200,
  },
  {
    name: "events, some rejected",
    method: "POST",
    template: "/api/v1/events",
    path: "/api/v1/events",
    body: { events: [event(), event({ action: "nope" }), event({ kind: "incident" }), 5] },
    partial: true,
    expect: 200,
  },
  {
    name: "events, malformed JSON",
    method: "POST",
    template: "/api/v1/events",
    path: "/api/v1/events",
    raw: '{"events":[',
    expect: 400,
  },
  {
    name: "events, too big",
    method: "POST",
    template: "/api/v1/events",
    path: "/api/v1/events",
    raw: big({ events: [] }),
    expect: 413,
  },
  {
    name: "events, 1,001",
    method: "POST",
    template: "/api/v1/events",
    path: "/api/v1/events",
    body: { events: Array.from({ length: 1001 }, () => event()) },
    expect: 413,
  },
  {
    name: "events, form-encoded",
    method: "POST",
    template: "/api/v1/events",
    path: "/api/v1/events",
    raw: "events=1",
    type: "application/x-www-form-urlencoded",
    expect: 415,
  },
  {
    name: "events, empty",
    method: "POST",
    template: "/api/v1/events",
    path: "/api/v1/events",
    body: { events: [] },
    expect: 422,
  },
  {
    name: "events, unknown field",
    method: "POST",
    template: "/api/v1/events",
    path: "/api/v1/events",
    body: { events: [event()], batchId: 1 },
    expect: 422,
  },
  {
    name: "events, no key",
    method: "POST",
    template: "/api/v1/events",
    path: "/api/v1/events",
    key: null,
    body: { events: [event()] },
    expect: 401,
  },
  // The audit log's transparency routes (issue 24): checkpoints, consistency proofs, the verifier key and
  // cosignatures are public (witnesses use them); inclusion proofs need an auditor's session.
  {
    name: "verifier key",
    method: "GET",
    template: "/api/v1/audit/verifier-key",
    path: "/api/v1/audit/verifier-key",
    key: null,
    expect: 200,
  },
  {
    name: "checkpoint, none signed (jobs off)",
    method: "GET",
    template: "/api/v1/audit/checkpoint",
    path: "/api/v1/audit/checkpoint",
    key: null,
    headers: { cookie: "<auditor>" },
    expect: 404,
  },
  {
    name: "checkpoint, not signed in (public: none signed yet)",
    method: "GET",
    template: "/api/v1/audit/checkpoint",
    path: "/api/v1/audit/checkpoint",
    key: null,
    expect: 404,
  },
  {
    name: "cosignature of a checkpoint this log never signed",
    method: "POST",
    template: "/api/v1/audit/cosignatures",
    path: "/api/v1/audit/cosignatures",
    key: null,
    body: { checkpoint: "example.com/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", cosignature: "— w AAAA" },
    expect: 404,
  },
  {
    name: "cosignature, fields missing",
    method: "POST",
    template: "/api/v1/audit/cosignatures",
    path: "/api/v1/audit/cosignatures",
    key: null,
    body: { checkpoint: "x" },
    expect: 422,
  },
  {
    name: "inclusion proof",
    method: "GET",
    template: "/api/v1/audit/proof/inclusion",
    path: "/api/v1/audit/proof/inclusion?index=0&size=2",
    key: null,
    headers: { cookie: "<auditor>" },
    expect: 200,
  },
  {
    name: "inclusion proof, index past size",
    method: "GET",
    template: "/api/v1/audit/proof/inclusion",
    path: "/api/v1/audit/proof/inclusion?index=2&size=2",
    key: null,
    headers: { cookie: "<auditor>" },
    expect: 400,
  },
  {
    name: "inclusion proof, a role that may not read the audit log",
    method: "GET",
    template: "/api/v1/audit/proof/inclusion",
    path: "/api/v1/audit/proof/inclusion?index=0&size=2",
    key: null,
    headers: { cookie: "<viewer>" },
    expect: 403,
  },
  {
    name: "consistency proof",
    method: "GET",
    template: "/api/v1/audit/proof/consistency",
    path: "/api/v1/audit/proof/consistency?from=1&to=3",
    key: null,
    headers: { cookie: "<auditor>" },
    expect: 200,
  },
  {
    name: "consistency proof, from 0",
    method: "GET",
    template: "/api/v1/audit/proof/consistency",
    path: "/api/v1/audit/proof/consistency?from=0&to=3",
    key: null,
    headers: { cookie: "<auditor>" },
    expect: 400,
  },
  {
    name: "consistency proof, not signed in (public)",
    method: "GET",
    template: "/api/v1/audit/proof/consistency",
    path: "/api/v1/audit/proof/consistency?from=1&to=3",
    key: null,
    expect: 200,
  },
  // GET /api/v1/openapi.json
  {
    name: "the document",
    method: "GET",
    template: "/api/v1/openapi.json",
    path: "/api/v1/openapi.json",
    key: null,
    expect: 200,
  },
  // POST /ofrep/v1/evaluate/flags/{key}
  {
    name: "flag",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/ticket.tag",
    body: { context: { targetingKey: "user-1" } },
    expect: 200,
  },
  {
    name: "flag, frozen",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/db.migrate",
    key: "<infra>",
    body: {},
    expect: 200,
  },
  {
    name: "flag, unknown",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/no.such.flag",
    body: {},
    expect: 404,
  },
  {
    name: "flag, __proto__",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/__proto__",
    body: {},
    expect: 404,
  },
  {
    name: "flag, malformed JSON",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/ticket.tag",
    raw: "{",
    expect: 400,
  },
  {
    name: "flag, bad percent-escape",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/%zz",
    rawPath: true,
    body: {},
    expect: 400,
  },
  {
    name: "flag, too big",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/ticket.tag",
    raw: big({}),
    expect: 413,
  },
  {
    name: "flag, text/plain",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/ticket.tag",
    body: {},
    type: "text/plain",
    expect: 415,
  },
  {
    name: "flag, bad context",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/ticket.tag",
    body: { context: 1 },
    expect: 422,
  },
  {
    name: "flag, no key",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/ticket.tag",
    key: null,
    body: {},
    expect: 401,
  },
  // POST /ofrep/v1/evaluate/flags
  {
    name: "flags",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags",
    path: "/ofrep/v1/evaluate/flags",
    body: {},
    expect: 200,
  },
  {
    name: "flags, unchanged",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags",
    path: "/ofrep/v1/evaluate/flags",
    headers: { "if-none-match": "<etag>" },
    body: {},
    expect: 304,
  },
  {
    name: "flags, malformed JSON",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags",
    path: "/ofrep/v1/evaluate/flags",
    raw: "nope",
    expect: 400,
  },
  {
    name: "flags, too big",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags",
    path: "/ofrep/v1/evaluate/flags",
    raw: big({}),
    expect: 413,
  },
  {
    name: "flags, no content type",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags",
    path: "/ofrep/v1/evaluate/flags",
    body: {},
    type: "",
    expect: 415,
  },
  {
    name: "flags, unknown field",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags",
    path: "/ofrep/v1/evaluate/flags",
    body: { contex: {} },
    expect: 422,
  },
  {
    name: "flags, no key",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags",
    path: "/ofrep/v1/evaluate/flags",
    key: null,
    body: {},
    expect: 401,
  },
  {
    name: "flags, targetingKey a number",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags",
    path: "/ofrep/v1/evaluate/flags",
    body: { context: { targetingKey: 7 } },
    expect: 400,
  },
  {
    name: "flag, context too deep",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/ticket.tag",
    body: { context: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } },
    expect: 400,
  },
  // GET /ofrep/v1/events: the URL of the bulk answer's eventStreams, no header
  { name: "event stream", method: "GET", template: "/ofrep/v1/events", path: "<stream>", key: null, expect: 200 },
  {
    name: "event stream, bad token",
    method: "GET",
    template: "/ofrep/v1/events",
    path: "/ofrep/v1/events?token=forged.token",
    key: null,
    expect: 401,
  },
  // 429 on every operation that takes a key, from a key past its limit
  {
    name: "tiers, rate limited",
    method: "GET",
    template: "/api/v1/tiers",
    path: "/api/v1/tiers",
    key: "<limited>",
    expect: 429,
  },
  {
    name: "one tier, rate limited",
    method: "GET",
    template: "/api/v1/tiers/{actionKey}",
    path: "/api/v1/tiers/ticket.tag",
    key: "<limited>",
    expect: 429,
  },
  {
    name: "stream, rate limited",
    method: "GET",
    template: "/api/v1/tiers/stream",
    path: "/api/v1/tiers/stream",
    key: "<limited>",
    expect: 429,
  },
  {
    name: "decision, rate limited",
    method: "POST",
    template: "/api/v1/decisions",
    path: "/api/v1/decisions",
    key: "<limited>",
    body: { action: "ticket.tag", audience: "internal" },
    expect: 429,
  },
  {
    name: "events, rate limited",
    method: "POST",
    template: "/api/v1/events",
    path: "/api/v1/events",
    key: "<limited>",
    body: { events: [event()] },
    partial: true,
    expect: 429,
  },
  {
    name: "flag, rate limited",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    path: "/ofrep/v1/evaluate/flags/ticket.tag",
    key: "<limited>",
    body: {},
    expect: 429,
  },
  {
    name: "flags, rate limited",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags",
    path: "/ofrep/v1/evaluate/flags",
    key: "<limited>",
    body: {},
    expect: 429,
  },
];
const RATE_BURST = 150; // per key; far above what support-bot's and infra-bot's keys use here

beforeAll(async () => {
  // A burst per key and (practically) no refill: a key past its burst stays limited for the whole file.
  server = await startServer({ JOBS: "off", API_RATE_BURST: String(RATE_BURST), API_RATE_PER_SECOND: "0.001" });
  cookies["<auditor>"] = await signInCookie(server.baseUrl, "auditor@demo.local");
  cookies["<viewer>"] = await signInCookie(server.baseUrl, "viewer@demo.local");
  [support, infra, limited] = await Promise.all([
    createKey(server.baseUrl, "support-bot"),
    createKey(server.baseUrl, "infra-bot"),
    createKey(server.baseUrl, "support-bot", "limited"),
  ]);
  for (let i = 0; i < RATE_BURST; i += 15) {
    const batch = Array.from({ length: Math.min(15, RATE_BURST - i) }, () =>
      fetch(`${server.baseUrl}/api/v1/tiers`, { headers: { authorization: `Bearer ${limited}` } }).then(
        (r) => r.status,
      ),
    );
    expect(await Promise.all(batch)).toEqual(batch.map(() => 200));
  }
  const bulk = await (
    await fetch(`${server.baseUrl}/ofrep/v1/evaluate/flags`, {
      method: "POST",
      headers: { authorization: `Bearer ${support}`, "content-type": "application/json" },
      body: "{}",
    })
  ).json();
  proposalId = (
    await (
      await fetch(`${server.baseUrl}/api/v1/proposals`, {
        method: "POST",
        headers: { authorization: `Bearer ${support}`, "content-type": "application/json" },
        body: JSON.stringify(proposal()),
      })
    ).json()
  ).id;
  const streamUrl = new URL(bulk.eventStreams[0].url);
  streamPath = streamUrl.pathname + streamUrl.search;
  const res = await fetch(`${server.baseUrl}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
}, 180_000);
afterAll(async () => server?.stop());

describe("the document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it("every component schema is a valid JSON Schema 2020-12 and every $ref resolves", () => {
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(ajv.validateSchema(schema as object), `${name}: ${ajv.errorsText()}`).toBe(true);
      expect(() => ajv.compile(absolute(schema) as object), name).not.toThrow();
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split("/").pop()!], ref).toBeDefined();
    }
  });

  it("names this server and the bearer scheme; every operation but the document itself (and the audit routes: inclusion proofs for a session, the rest public) needs a key and declares 401", () => {
    expect(doc.servers[0].url).toBe(new URL(server.baseUrl).origin);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    for (const [p, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const security = op.security ?? doc.security;
        if (p === "/api/v1/openapi.json" || PUBLIC_AUDIT_ROUTES.includes(p)) expect(security).toEqual([]);
        else if (p.startsWith("/api/v1/audit/")) {
          expect(security, "auditors read the audit log signed in").toEqual([{ session: [] }]);
          expect(op.responses["401"]).toBeDefined();
        } else if (p === "/ofrep/v1/events") {
          expect(security, "a plain EventSource sends no header: the URL's token").toEqual([{ streamToken: [] }]);
          expect(op.responses["401"]).toBeDefined();
        } else {
          expect(security, `${method} ${p}`).toEqual([{ bearer: [] }]);
          expect(op.responses["401"], `${method} ${p}`).toBeDefined();
        }
      }
    }
  });

  it("describes exactly the routes this battery calls", () => {
    const documented = Object.entries<any>(doc.paths).flatMap(([p, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const called = [...new Set(CALLS.map((c) => `${c.method} ${c.template}`))];
    expect(documented.sort()).toEqual(called.sort());
  });
});

describe("every real answer matches the document", () => {
  const etags: Record<string, string> = {};

  it.each(CALLS.map((c) => [`${c.method} ${c.path}: ${c.name} → ${c.expect}`, c] as const))("%s", async (_, c) => {
    const op = doc.paths[c.template]?.[c.method.toLowerCase()];
    expect(op, `${c.method} ${c.template} is not in the document`).toBeDefined();
    const call = {
      ...c,
      path: c.path === "<stream>" ? streamPath : c.path.replace("<proposal>", proposalId),
      key: c.key === "<infra>" ? infra : c.key === "<limited>" ? limited : c.key,
      headers: { ...c.headers },
    };
    if (call.headers.cookie) call.headers.cookie = cookies[call.headers.cookie]!;
    if (call.headers["if-none-match"] === "<etag>") {
      call.headers["if-none-match"] = etags[c.template] ?? "";
      expect(call.headers["if-none-match"], "the 200 before it gave an ETag").toMatch(/^"/);
    }

    // The request we send: the documented request schema must agree with how the server judged it.
    if (
      op.requestBody &&
      call.body !== undefined &&
      call.raw === undefined &&
      (call.type === undefined || call.type === "application/json")
    ) {
      const problem = validate(op.requestBody.content["application/json"].schema, call.body);
      if ((c.expect === 200 || c.expect === 304) && !c.partial)
        expect(problem, "the document refuses a request the server accepts").toBeNull();
      if (c.expect === 422) expect(problem, "the document accepts a request the server refuses").not.toBeNull();
    }

    const res = await send(call);
    expect(res.status, res.text.slice(0, 300)).toBe(c.expect);
    const declared = op.responses[String(res.status)] ?? op.responses.default;
    expect(
      declared,
      `${c.method} ${c.template} answers ${res.status}, which the document does not declare`,
    ).toBeDefined();

    if (res.headers.get("etag")) etags[c.template] = res.headers.get("etag")!;
    for (const name of Object.keys(declared.headers ?? {})) {
      expect(res.headers.get(name), `header ${name}`).not.toBeNull();
      if (name.toLowerCase() === "retry-after") expect(Number(res.headers.get(name))).toBeGreaterThan(0);
    }
    if (res.status === 429) expect(Number(res.headers.get("retry-after")), "429 says when to retry").toBeGreaterThan(0);

    if (!declared.content) {
      expect(res.text, "the document declares no body").toBe("");
      return;
    }
    const mediaType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
    const media = declared.content[mediaType];
    expect(
      media,
      `${res.status} answers ${mediaType}; the document declares ${Object.keys(declared.content)}`,
    ).toBeDefined();
    if (mediaType === "text/plain") {
      expect(res.text).toMatch(/^\S+\+[0-9a-f]{8}\+\S+\n$/); // the verifier key (a checkpoint is 404 here: jobs off)
      return;
    }
    if (mediaType === "text/event-stream") {
      expect(res.text).toMatch(
        c.template === "/ofrep/v1/events" ? /^data: \{"type":"refetchEvaluation","etag":/m : /event: snapshot/,
      );
      return;
    }
    const body = JSON.parse(res.text);
    const problem = validate(media.schema, body);
    expect(problem, `${JSON.stringify(body).slice(0, 500)}`).toBeNull();
  });
});
