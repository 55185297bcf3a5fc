// Bad input on every route of the agent API (SPEC §4 "input rules"), against the real production
// server: the right status, always the JSON error model, and nothing changed in the database.
import http from "node:http";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { kill, signInCookie, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let support: string; // support-bot's key
let infra: string; // infra-bot's key
let revoked: string; // a support-bot key revoked through the admin route
let admin: string; // admin session cookie

const now = () => new Date().toISOString();
let seq = 0;
const ev = (o: Record<string, unknown> = {}) => ({
  idempotencyKey: `bad-input-${++seq}-${randomUUID()}`,
  action: "ticket.reply",
  kind: "action.completed",
  tier: "WALK",
  occurredAt: now(),
  ...o,
});

interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** fetch, reading the whole body (a stream is read only up to its first event, then dropped). */
async function call(
  method: string,
  p: string,
  opts: {
    key?: string | null;
    auth?: string;
    body?: unknown;
    raw?: string | Uint8Array;
    type?: string | null;
    headers?: Record<string, string>;
  } = {},
): Promise<Res> {
  const headers = new Headers(opts.headers);
  if (opts.auth !== undefined) headers.set("authorization", opts.auth);
  else if (opts.key) headers.set("authorization", `Bearer ${opts.key}`);
  let body: string | Uint8Array | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && opts.type !== null) headers.set("content-type", opts.type ?? "application/json");
  const ctrl = new AbortController();
  const res = await fetch(server.baseUrl + p, {
    method,
    headers,
    body: body as BodyInit | undefined,
    signal: ctrl.signal,
    redirect: "manual",
  });
  let text: string;
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    // read up to the end of the first data event (the snapshot), then hang up
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    text = "";
    const deadline = Date.now() + 10_000;
    while (!/^data: .*\n\n/m.test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    ctrl.abort();
  } else text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** A request with a byte-exact path (fetch would normalise `..` and escapes before sending). */
function rawRequest(
  method: string,
  rawPath: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: server.port, method, path: rawPath, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
        resolve({ status: res.statusCode!, headers: h, text, json: () => JSON.parse(text) });
      });
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The one error model: JSON content type and {error: {code, message}}. */
function expectError(res: Res, status: number, code?: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  const body = res.json();
  expect(body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  expect(body.error.message.length).toBeGreaterThan(0);
  if (code) expect(body.error.code).toBe(code);
  expect(res.text).not.toMatch(/at .*\.js:\d+|stack|<html/i);
  return body;
}

async function createKeyWithId(slug: string): Promise<{ id: string; secret: string }> {
  const res = await fetch(`${server.baseUrl}/api/admin/agents/${slug}/keys`, {
    method: "POST",
    headers: { cookie: admin, "content-type": "application/json" },
    body: JSON.stringify({ name: "bad-input" }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; secret: string };
}

interface RouteCase {
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  ofrep?: boolean;
}

// Every route, each with a request that would succeed for support-bot.
const ROUTES: RouteCase[] = [
  { name: "GET /api/v1/tiers", method: "GET", path: "/api/v1/tiers" },
  { name: "GET /api/v1/tiers/{actionKey}", method: "GET", path: "/api/v1/tiers/ticket.tag" },
  { name: "GET /api/v1/tiers/stream", method: "GET", path: "/api/v1/tiers/stream" },
  {
    name: "POST /api/v1/decisions",
    method: "POST",
    path: "/api/v1/decisions",
    body: { action: "ticket.tag", audience: "internal" },
  },
  {
    name: "POST /api/v1/events",
    method: "POST",
    path: "/api/v1/events",
    body: {
      events: [
        {
          idempotencyKey: "never-stored",
          action: "ticket.tag",
          kind: "incident",
          severity: "critical",
          tier: "RUN",
          occurredAt: "2026-01-01T00:00:00Z",
        },
      ],
    },
  },
  { name: "POST /ofrep/v1/evaluate/flags", method: "POST", path: "/ofrep/v1/evaluate/flags", body: {}, ofrep: true },
  {
    name: "POST /ofrep/v1/evaluate/flags/{key}",
    method: "POST",
    path: "/ofrep/v1/evaluate/flags/ticket.tag",
    body: { context: { targetingKey: "t-1" } },
    ofrep: true,
  },
];
const BODY_ROUTES = ROUTES.filter((r) => r.method === "POST");

beforeAll(async () => {
  // JOBS=off: no background job may write while "changes nothing" counts rows.
  server = await startServer({ JOBS: "off" });
  admin = await signInCookie(server.baseUrl, "admin@demo.local");
  support = (await createKeyWithId("support-bot")).secret;
  infra = (await createKeyWithId("infra-bot")).secret;
  const doomed = await createKeyWithId("support-bot");
  const res = await call("DELETE", `/api/admin/keys/${doomed.id}`, { headers: { cookie: admin } });
  expect(res.status, res.text).toBe(200);
  revoked = doomed.secret;
}, 180_000);
afterAll(async () => server?.stop());

describe("sanity: every route answers a good request", () => {
  it.each(ROUTES.filter((r) => r.name !== "POST /api/v1/events"))("$name → 200", async (r) => {
    const res = await call(r.method, r.path, { key: support, body: r.body });
    expect(res.status, res.text).toBe(200);
  });
});

describe.each(ROUTES)("authentication: $name", (r) => {
  const cases: Array<
    [string, { key?: string | null; auth?: string } | (() => { key?: string | null; auth?: string })]
  > = [
    ["no Authorization header", { key: null }],
    ["Basic instead of Bearer", () => ({ auth: `Basic ${Buffer.from(`x:${support}`).toString("base64")}` })],
    ["Bearer without a key", { auth: "Bearer" }],
    ["two tokens", () => ({ auth: `Bearer ${support} ${support}` })],
    ["the key without Bearer", () => ({ auth: support })],
    ["an unknown key", { key: `cwr_${"A".repeat(43)}` }],
    ["a key without our prefix", { key: randomUUID() }],
    ["a very long key", { key: `cwr_${"x".repeat(5000)}` }],
    ["a revoked key", () => ({ key: revoked })],
  ];
  it.each(cases)("%s → 401", async (_, auth) => {
    const a = typeof auth === "function" ? auth() : auth;
    const res = await call(r.method, r.path, { ...a, body: r.body });
    const body = expectError(res, 401, "unauthenticated");
    if (r.ofrep) expect(body.errorCode).toBe("GENERAL");
  });
});

describe("the revoke route itself", () => {
  it("needs an admin session, a real key id, and refuses revoking twice", async () => {
    const k = await createKeyWithId("sales-bot");
    expectError(await call("DELETE", `/api/admin/keys/${k.id}`), 401);
    const viewer = await signInCookie(server.baseUrl, "viewer@demo.local");
    expectError(await call("DELETE", `/api/admin/keys/${k.id}`, { headers: { cookie: viewer } }), 403, "forbidden");
    // still works after the refused attempts
    expect((await call("GET", "/api/v1/tiers", { key: k.secret })).status).toBe(200);
    expect((await call("DELETE", `/api/admin/keys/${k.id}`, { headers: { cookie: admin } })).status).toBe(200);
    expectError(await call("GET", "/api/v1/tiers", { key: k.secret }), 401);
    expectError(await call("DELETE", `/api/admin/keys/${k.id}`, { headers: { cookie: admin } }), 409, "conflict");
    expectError(await call("DELETE", `/api/admin/keys/${randomUUID()}`, { headers: { cookie: admin } }), 404);
    expectError(await call("DELETE", `/api/admin/keys/not-a-uuid`, { headers: { cookie: admin } }), 404);
    expectError(await call("POST", `/api/admin/keys/${k.id}`, { headers: { cookie: admin }, body: {} }), 405);
  });
});

describe("another agent's key never reaches this agent's action types", () => {
  it("GET /api/v1/tiers lists only the caller's own action types", async () => {
    const body = (await call("GET", "/api/v1/tiers", { key: infra })).json();
    expect(body.agent).toBe("infra-bot");
    expect(body.tiers.map((t: { action: string }) => t.action)).not.toContain("ticket.tag");
  });
  it("GET /api/v1/tiers/{k} → 404", async () => {
    expectError(await call("GET", "/api/v1/tiers/ticket.tag", { key: infra }), 404, "not_found");
  });
  it("POST /api/v1/decisions → not allowed, CRAWL, suggest (for both audiences)", async () => {
    for (const audience of ["internal", "external"]) {
      const res = await call("POST", "/api/v1/decisions", { key: infra, body: { action: "ticket.tag", audience } });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ allowed: false, tier: "CRAWL", mode: "suggest" });
    }
    // the same action for its owner is RUN
    expect(
      (
        await call("POST", "/api/v1/decisions", { key: support, body: { action: "ticket.tag", audience: "external" } })
      ).json(),
    ).toMatchObject({ allowed: true, tier: "RUN" });
  });
  it("POST /api/v1/events → rejected unknown_action (a critical incident on another agent's RUN action demotes nothing)", async () => {
    const before = (await call("GET", "/api/v1/tiers/ticket.tag", { key: support })).json();
    const res = await call("POST", "/api/v1/events", {
      key: infra,
      body: { events: [ev({ action: "ticket.tag", kind: "incident", severity: "critical", tier: "RUN" })] },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      accepted: 0,
      rejected: 1,
      results: [{ status: "rejected", reason: "unknown_action" }],
    });
    expect((await call("GET", "/api/v1/tiers/ticket.tag", { key: support })).json()).toEqual(before);
  });
  it("OFREP single → 404 FLAG_NOT_FOUND; bulk and stream hold only the caller's flags", async () => {
    const one = await call("POST", "/ofrep/v1/evaluate/flags/ticket.tag", { key: infra, body: {} });
    expect(expectError(one, 404)).toMatchObject({ key: "ticket.tag", errorCode: "FLAG_NOT_FOUND" });
    const bulk = (await call("POST", "/ofrep/v1/evaluate/flags", { key: infra, body: {} })).json();
    expect(bulk.flags.map((f: { key: string }) => f.key)).toContain("db.migrate");
    expect(bulk.flags.map((f: { key: string }) => f.key)).not.toContain("ticket.tag");
    const stream = await call("GET", "/api/v1/tiers/stream", { key: infra });
    expect(stream.text).toContain("event: snapshot");
    expect(stream.text).toContain("db.migrate");
    expect(stream.text).not.toContain("ticket.tag");
  });
});

describe.each(BODY_ROUTES)("body rules: $name", (r) => {
  const post = (opts: Parameters<typeof call>[2]) => call("POST", r.path, { key: support, ...opts });
  const check = (res: Res, status: number, code: string) => {
    const body = expectError(res, status, code);
    if (r.ofrep) expect(body.errorCode).toBe(status === 422 ? "INVALID_CONTEXT" : "PARSE_ERROR");
  };

  it.each(["{", '{"action":', "{'a':1}", "nul", "[1,]", "\u00ff\u00fe", '{"a":1}{"b":2}'])(
    "malformed JSON %j → 400",
    async (raw) => {
      check(await post({ raw }), 400, "bad_request");
    },
  );
  it("an empty body → 400", async () => {
    check(await post({ raw: "" }), 400, "bad_request");
  });
  it("a body that is not UTF-8 → 400", async () => {
    check(await post({ raw: new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]) }), 400, "bad_request");
  });
  it.each([
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/jsonx",
    "application/json-patch+json",
    "text/json",
    "application/xml",
  ])("content type %s → 415", async (type) => {
    check(await post({ body: r.body, type }), 415, "unsupported_media_type");
  });
  it("no content type → 415", async () => {
    check(await post({ body: r.body, type: null }), 415, "unsupported_media_type");
  });
  it("application/json with parameters and any case is accepted", async () => {
    const res = await post({
      body: r.name.endsWith("events") ? { events: [ev()] } : r.body,
      type: "Application/JSON; charset=UTF-8",
    });
    expect(res.status, res.text).toBe(200);
  });
  it("a body over 1 MiB → 413 (declared length)", async () => {
    const big = JSON.stringify({ ...(r.body as object), pad: "x".repeat(1024 * 1024) });
    check(await post({ raw: big }), 413, "payload_too_large");
  });
  it("a body over 1 MiB → 413 (chunked, no length: counted while streaming)", async () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ ...(r.body as object), pad: "x".repeat(1024 * 1024 + 10) }),
    );
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) c.enqueue(bytes.slice(i, i + 64 * 1024));
        c.close();
      },
    });
    const res = await fetch(server.baseUrl + r.path, {
      method: "POST",
      headers: { authorization: `Bearer ${support}`, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const text = await res.text();
    check({ status: res.status, headers: res.headers, text, json: () => JSON.parse(text) }, 413, "payload_too_large");
  });
  it("a body of exactly 1 MiB is read (not 413)", async () => {
    const base = JSON.stringify({ ...(r.body as object), pad: "" });
    const raw = base.replace('"pad":""', `"pad":"${"x".repeat(1024 * 1024 - base.length)}"`);
    expect(Buffer.byteLength(raw)).toBe(1024 * 1024);
    // unknown field `pad`: refused as 422, which proves the size was accepted
    check(await post({ raw }), 422, "validation_failed");
  });
  it.each([["pad"], ["Action"], ["__proto__"], ["constructor"]])(
    "an unknown field %s → 422 naming it",
    async (field) => {
      const raw = JSON.stringify(r.body).replace(
        /^\{/,
        `{"${field}":{"x":1}${JSON.stringify(r.body) === "{}" ? "" : ","}`,
      );
      const body = expectError(await post({ raw }), 422, "validation_failed");
      expect(JSON.stringify(body.error.details)).toContain(field);
    },
  );
  it.each([
    ["an array", []],
    ["null", null],
    ["a string", "x"],
    ["a number", 1],
    ["true", true],
  ])("a body that is %s → 422", async (_, value) => {
    check(await post({ body: value }), 422, "validation_failed");
  });
});

describe("field rules", () => {
  const decide = (body: unknown) => call("POST", "/api/v1/decisions", { key: support, body });
  it.each([
    ["missing audience", { action: "ticket.tag" }],
    ["missing action", { audience: "internal" }],
    ["empty object", {}],
    ["action a number", { action: 5, audience: "internal" }],
    ["action null", { action: null, audience: "internal" }],
    ["audience null", { action: "ticket.tag", audience: null }],
    ["audience an array", { action: "ticket.tag", audience: ["internal"] }],
    ["enum case: Internal", { action: "ticket.tag", audience: "Internal" }],
    ["enum case: EXTERNAL", { action: "ticket.tag", audience: "EXTERNAL" }],
    ["enum with a space", { action: "ticket.tag", audience: "internal " }],
    ["action with capitals", { action: "Ticket.tag", audience: "internal" }],
    ["action empty", { action: "", audience: "internal" }],
    ["action of 129 characters", { action: "a".repeat(129), audience: "internal" }],
  ])("decisions: %s → 422", async (_, body) => {
    const err = expectError(await decide(body), 422, "validation_failed");
    expect(err.error.details.issues.length).toBeGreaterThan(0);
  });

  const batch = (body: unknown) => call("POST", "/api/v1/events", { key: support, body });
  it.each([
    ["no events", {}],
    ["events empty", { events: [] }],
    ["events an object", { events: {} }],
    ["events a string", { events: "x" }],
    ["events null", { events: null }],
  ])("events: %s → 422", async (_, body) => {
    expectError(await batch(body), 422, "validation_failed");
  });

  it("events: each bad event is rejected on its own with the field named; the good one is accepted", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ kind: "Action.completed" }, "kind"],
      [{ tier: "walk" }, "tier"],
      [{ kind: "incident", severity: "Critical" }, "severity"],
      [{ occurredAt: "yesterday" }, "occurredAt"],
      [{ occurredAt: 1_700_000_000_000 }, "occurredAt"],
      [{ idempotencyKey: "" }, "idempotencyKey"],
      [{ idempotencyKey: "k".repeat(129) }, "idempotencyKey"],
      [{ idempotencyKey: 42 }, "idempotencyKey"],
      [{ action: "a".repeat(129) }, "action"],
      [{ action: "__proto__" }, "action"],
      [{ action: "toString" }, "action"],
      [{ subjectRef: "s".repeat(257) }, "subjectRef"],
      [{ agentVersion: "v".repeat(129) }, "agentVersion"],
      [{ metadata: [1, 2] }, "metadata"],
      [{ metadata: "x" }, "metadata"],
      [{ metadata: { ["k".repeat(129)]: 1 } }, "metadata"],
      [{ extra: 1 }, "(body)"],
      [{ subjectRef: "a\u0000b" }, "subjectRef"],
      [{ idempotencyKey: `nul-\u0000-${randomUUID()}` }, "idempotencyKey"],
      [{ metadata: { note: "x\u0000y" } }, "metadata.note"],
      [{ metadata: { "k\u0000": 1 } }, "metadata"],
      [{ metadata: { note: "\ud800" } }, "metadata.note"],
      [{ agentVersion: "\udc00v1" }, "agentVersion"],
      [{ occurredAt: "0000-01-01T00:00:00Z" }, "occurredAt"],
    ];
    const good = ev();
    const res = await batch({ events: [...cases.map(([o]) => ev(o)), good] });
    expect(res.status, res.text).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ accepted: 1, duplicates: 0, rejected: cases.length });
    cases.forEach(([o, field], i) => {
      const r = body.results[i];
      expect(r, JSON.stringify(o)).toMatchObject({ index: i, status: "rejected", reason: "invalid" });
      expect(r.details.issues.map((x: { path: string }) => x.path).join(" "), JSON.stringify(o)).toContain(field);
    });
    expect(body.results[cases.length]).toMatchObject({
      index: cases.length,
      idempotencyKey: good.idempotencyKey,
      status: "accepted",
    });
  });

  it("events: an event that is not an object is rejected, not a 500", async () => {
    const res = await batch({ events: [null, 1, "x", [], true] });
    expect(res.status).toBe(200);
    expect(
      res.json().results.map((r: { status: string; idempotencyKey: unknown }) => [r.status, r.idempotencyKey]),
    ).toEqual(Array(5).fill(["rejected", null]));
  });

  it("events: metadata nested thousands of levels deep is rejected, not a 500 (JSON.stringify used to overflow)", async () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    for (const n of [9, 40, 5_000, 200_000]) {
      const e = ev();
      const raw = JSON.stringify({ events: [{ ...e, metadata: { x: "@" } }, ev()] }).replace('"@"', deep(n));
      const res = await call("POST", "/api/v1/events", { key: support, raw });
      expect(res.status, `${n}: ${res.text.slice(0, 200)}`).toBe(200);
      expect(res.json()).toMatchObject({
        accepted: 1,
        rejected: 1,
        results: [
          {
            status: "rejected",
            details: { issues: [{ path: "metadata", message: expect.stringMatching(/8 levels/) }] },
          },
          { status: "accepted" },
        ],
      });
    }
  });

  it("OFREP: context of the wrong type → 422 INVALID_CONTEXT", async () => {
    for (const p of ["/ofrep/v1/evaluate/flags", "/ofrep/v1/evaluate/flags/ticket.tag"]) {
      for (const context of [5, "x", [], null]) {
        const body = expectError(await call("POST", p, { key: support, body: { context } }), 422, "validation_failed");
        expect(body.errorCode).toBe("INVALID_CONTEXT");
      }
      const body = expectError(
        await call("POST", p, { key: support, body: { context: { ["k".repeat(257)]: 1 } } }),
        422,
      );
      expect(body.errorCode).toBe("INVALID_CONTEXT");
    }
  });
});

describe("action keys that are names of Object.prototype, or too long, are just unknown keys", () => {
  const PROTO = [
    "constructor",
    "__proto__",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "prototype",
    "__defineGetter__",
    "isprototypeof",
    "tolocalestring",
    "propertyisenumerable",
  ];
  const VALID = /^[a-z0-9][a-z0-9._-]{0,127}$/;

  it.each(PROTO)(
    "%s: tiers 404, decision CRAWL or 422, event rejected, OFREP FLAG_NOT_FOUND — never a 500",
    async (key) => {
      expectError(await call("GET", `/api/v1/tiers/${key}`, { key: support }), 404, "not_found");

      const d = await call("POST", "/api/v1/decisions", { key: support, body: { action: key, audience: "external" } });
      if (VALID.test(key)) {
        expect(d.status, d.text).toBe(200);
        expect(d.json()).toMatchObject({ allowed: false, tier: "CRAWL", mode: "suggest" });
      } else {
        expectError(d, 422, "validation_failed"); // not an action key at all
      }

      const e = await call("POST", "/api/v1/events", { key: support, body: { events: [ev({ action: key })] } });
      expect(e.status).toBe(200);
      expect(e.json().results[0]).toMatchObject({
        status: "rejected",
        reason: VALID.test(key) ? "unknown_action" : "invalid",
      });

      const o = await call("POST", `/ofrep/v1/evaluate/flags/${key}`, { key: support, body: {} });
      expect(expectError(o, 404)).toMatchObject({ errorCode: "FLAG_NOT_FOUND" });
    },
  );

  it("a key of 128 characters is well-formed but unknown; 129 and more are refused", async () => {
    const k128 = "a".repeat(128);
    expectError(await call("GET", `/api/v1/tiers/${k128}`, { key: support }), 404);
    expect(
      (await call("POST", "/api/v1/decisions", { key: support, body: { action: k128, audience: "internal" } })).json(),
    ).toMatchObject({ allowed: false, tier: "CRAWL" });
    for (const k of ["a".repeat(129), "a".repeat(5000)]) {
      expectError(await call("GET", `/api/v1/tiers/${k}`, { key: support }), 404);
      expect(
        expectError(await call("POST", `/ofrep/v1/evaluate/flags/${k}`, { key: support, body: {} }), 404).errorCode,
      ).toBe("FLAG_NOT_FOUND");
      expectError(
        await call("POST", "/api/v1/decisions", { key: support, body: { action: k, audience: "internal" } }),
        422,
      );
    }
  });

  it("tiers/{k} with characters outside the grammar → 404, not a 500", async () => {
    for (const k of [
      "Ticket.tag",
      "ticket tag",
      "ticket%00tag",
      "ticket%2Ftag",
      "%F0%9F%92%A5",
      "-x",
      ".x",
      "_x",
      "x%0a",
    ]) {
      expectError(await call("GET", `/api/v1/tiers/${k}`, { key: support }), 404);
    }
  });
});

describe("malformed paths", () => {
  const auth = () => ({ authorization: `Bearer ${support}` });
  it.each([
    ["GET", "/api/v1/tiers/%E0%A4%A"],
    ["GET", "/api/v1/tiers/%zz"],
    ["GET", "/api/v1/tiers/%"],
    ["GET", "/api/v1/tiers/ticket.tag%"],
    ["GET", "/api/v1/tiers/%C0%AE%C0%AE"],
    ["GET", "/api/v1/%FF/tiers"],
    ["GET", "/api/v1/tiers%"],
    ["POST", "/api/v1/decisions%zz"],
    ["POST", "/ofrep/v1/evaluate/flags/%E0%A4%A"],
    ["POST", "/ofrep/v1/evaluate/flags/ticket.%tag"],
  ])("%s %s (bad percent-escape) → JSON 400", async (method, p) => {
    const res = await rawRequest(
      method,
      p,
      { ...auth(), "content-type": "application/json" },
      method === "POST" ? "{}" : undefined,
    );
    const body = expectError(res, 400, "bad_request");
    if (p.startsWith("/ofrep/")) expect(body.errorCode).toBe("PARSE_ERROR"); // what OFREP clients read
  });

  it.each([
    "/api/v1/tiers/..%2f..%2fetc%2fpasswd",
    "/api/v1/tiers/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/api/v1/tiers/..%5c..%5cwindows",
    "/api/v1/tiers/....%2f",
    "/api/v1/tiers/%252e%252e",
    "/api/v1/tiers/../../v1/nope",
    "/api/v1/tiers/ticket.tag/../../../nope",
    "/api/v1/tiers/%2e%2e/%2e%2e/nope",
  ])("GET %s (traversal) → JSON 404", async (p) => {
    expectError(await rawRequest("GET", p, auth()), 404, "not_found");
  });

  it("a traversal that ends on a folder is redirected to a path that answers JSON 404 (Next's trailing-slash redirect)", async () => {
    // `..` is resolved by URL parsing before any of our code runs; `/api/v1/tiers/..` becomes
    // `/api/v1/`, which Next redirects (308) to `/api/v1`. The place it lands is a JSON 404.
    for (const p of ["/api/v1/tiers/..", "/api/v1/tiers/%2e%2e", "/ofrep/v1/evaluate/flags/.."]) {
      const res = await rawRequest("GET", p, auth());
      if (res.status === 404) {
        expectError(res, 404);
        continue;
      }
      expect(res.status, p).toBe(308);
      const location = res.headers.get("location")!;
      expect(location).toMatch(/^\/(api|ofrep)\//);
      expectError(await rawRequest("GET", location, auth()), 404, "not_found");
    }
  });
});

describe("unknown routes and methods", () => {
  it.each([
    ["GET", "/api/v1/nope"],
    ["GET", "/api/v2/tiers"],
    ["POST", "/api/v1/decision"],
    ["GET", "/api/v1/tiers/ticket.tag/extra"],
    ["GET", "/api/v1/tiers/stream/x"],
    ["DELETE", "/api/nope"],
    ["POST", "/ofrep/v1/evaluate"],
    ["POST", "/ofrep/v1/evaluate/flags/ticket.tag/extra"],
    ["GET", "/ofrep/v2/anything"],
    ["PATCH", "/ofrep/nope"],
  ])("%s %s → JSON 404", async (method, p) => {
    expectError(await call(method, p, { key: support, body: method === "GET" ? undefined : {} }), 404, "not_found");
  });

  const ALLOWED: Record<string, string> = {
    "/api/v1/tiers": "GET",
    "/api/v1/tiers/ticket.tag": "GET",
    "/api/v1/tiers/stream": "GET",
    "/api/v1/decisions": "POST",
    "/api/v1/events": "POST",
    "/api/v1/openapi.json": "GET",
    "/ofrep/v1/evaluate/flags": "POST",
    "/ofrep/v1/evaluate/flags/ticket.tag": "POST",
  };
  const wrong = Object.entries(ALLOWED).flatMap(([p, allow]) =>
    ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter((m) => m !== allow).map((m) => [m, p, allow] as const),
  );
  it.each(wrong)("%s %s → JSON 405 with Allow: %s", async (method, p, allow) => {
    const res = await call(method, p, { key: support, body: method === "GET" ? undefined : {} });
    expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe(allow);
  });
  it("HEAD on a POST route → 405 with Allow", async () => {
    const res = await call("HEAD", "/api/v1/decisions", { key: support });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("refused requests change nothing", () => {
  /** Row counts and the state of every action type, read with the server stopped (PGlite is single-process). */
  async function dbState() {
    await kill(server.process);
    const database = await openDatabase({ target: { kind: "pglite", dir: path.join(server.dataDir, "pglite") } });
    try {
      const db = database.prisma;
      return {
        events: await db.outcomeEvent.count(),
        audit: Object.fromEntries(
          (await db.auditEntry.groupBy({ by: ["kind"], _count: { _all: true }, orderBy: { kind: "asc" } })).map((g) => [
            g.kind,
            g._count._all,
          ]),
        ),
        tierChanges: await db.tierChange.count(),
        rollups: JSON.stringify(
          await db.metricRollup.findMany({ orderBy: [{ actionTypeId: "asc" }, { tier: "asc" }, { day: "asc" }] }),
        ),
        requests: await db.reviewRequest.count(),
        keys: JSON.stringify(
          await db.apiKey.findMany({ orderBy: { id: "asc" }, select: { id: true, revokedAt: true } }),
        ),
        actionTypes: JSON.stringify(await db.actionType.findMany({ orderBy: { id: "asc" } })),
      };
    } finally {
      await database.close();
      await server.restart();
    }
  }

  it("the database is identical before and after a barrage of refused requests on every route", async () => {
    const probes = Array.from({ length: 3 }, () => ev({ action: "ticket.tag", tier: "RUN", kind: "outcome.negative" }));
    const incident = ev({ action: "ticket.tag", tier: "RUN", kind: "incident", severity: "critical" });
    const events = { events: [...probes, incident] };
    const etag = async () => (await call("GET", "/api/v1/tiers", { key: support })).headers.get("etag");
    const tiersBefore = await etag();
    const viewer = await signInCookie(server.baseUrl, "viewer@demo.local"); // a sign-in may be audited: before counting
    const before = await dbState();

    const refused: Array<[number, Promise<Res>]> = [];
    const expectStatus = (status: number, p: Promise<Res>) => refused.push([status, p]);
    for (const r of BODY_ROUTES) {
      const body = r.name.endsWith("events") ? events : r.body;
      expectStatus(401, call("POST", r.path, { key: null, body }));
      expectStatus(401, call("POST", r.path, { key: revoked, body }));
      expectStatus(401, call("POST", r.path, { key: `cwr_${"Z".repeat(43)}`, body }));
      expectStatus(400, call("POST", r.path, { key: support, raw: JSON.stringify(body).slice(0, -1) }));
      expectStatus(415, call("POST", r.path, { key: support, body, type: "text/plain" }));
      expectStatus(
        413,
        call("POST", r.path, {
          key: support,
          raw: JSON.stringify({ ...(body as object), pad: "x".repeat(1024 * 1024) }),
        }),
      );
      expectStatus(422, call("POST", r.path, { key: support, body: { ...(body as object), extra: true } }));
      expectStatus(405, call("PUT", r.path, { key: support, body }));
    }
    for (const r of ROUTES.filter((x) => x.method === "GET")) {
      expectStatus(401, call("GET", r.path, { key: revoked }));
      expectStatus(405, call("DELETE", r.path, { key: support }));
    }
    expectStatus(
      413,
      call("POST", "/api/v1/events", { key: support, body: { events: Array.from({ length: 1001 }, () => ev()) } }),
    );
    expectStatus(404, call("GET", "/api/v1/tiers/constructor", { key: support }));
    expectStatus(
      400,
      rawRequest(
        "POST",
        "/api/v1/events%zz",
        { authorization: `Bearer ${support}`, "content-type": "application/json" },
        JSON.stringify(events),
      ),
    );
    // per-event refusals inside an accepted request: nothing stored either
    expectStatus(200, call("POST", "/api/v1/events", { key: infra, body: events }));
    expectStatus(
      200,
      call("POST", "/api/v1/events", {
        key: support,
        body: { events: events.events.map((e) => ({ ...e, kind: e.kind.toUpperCase() })) },
      }),
    );
    expectStatus(
      200,
      call("POST", "/api/v1/events", {
        key: support,
        body: { events: events.events.map((e) => ({ ...e, action: "constructor" })) },
      }),
    );
    // a revoke refused for a viewer
    expectStatus(403, call("DELETE", `/api/admin/keys/${randomUUID()}`, { headers: { cookie: viewer } }));
    expectStatus(401, call("DELETE", `/api/admin/keys/${randomUUID()}`));

    for (const [status, p] of refused) {
      const res = await p;
      expect(res.status, res.text.slice(0, 200)).toBe(status);
      if (status === 200) expect(res.json().accepted).toBe(0);
    }
    expect(await etag()).toBe(tiersBefore);
    const after = await dbState();
    expect(after).toEqual(before);

    // And the probes' idempotency keys were never used: sent properly now, they are accepted.
    const res = await call("POST", "/api/v1/events", { key: support, body: { events: probes } });
    expect(res.json()).toMatchObject({ accepted: probes.length, duplicates: 0 });
  });
});
