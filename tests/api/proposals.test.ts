// /api/v1/proposals against the real server (SPEC §8, §4): strict input in the one error model,
// idempotent creation, the agent's own proposals only, and no execution without a decision.
// The person-side decision is tested on the database (tests/proposals/grants.test.ts).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";
import { proposalDigest } from "@/lib/proposals/digest";

let server: TestServer;
let support: string;
let infra: string;

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  [support, infra] = await Promise.all([
    createKey(server.baseUrl, "support-bot"),
    createKey(server.baseUrl, "infra-bot"),
  ]);
}, 180_000);
afterAll(async () => server?.stop());

const proposal = (o: Record<string, unknown> = {}) => ({
  idempotencyKey: `p-${randomUUID()}`,
  action: "refund.issue",
  audience: "external",
  subject: "customer:42",
  summary: "Refund order A-1001 (damaged parcel)",
  parameters: { order: "A-1001", amount: 12.5, currency: "EUR" },
  ...o,
});

async function call(method: string, path: string, body?: unknown, key = support) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: res.status, body: await res.json() };
}

describe("POST /api/v1/proposals", () => {
  it("201 with id, digest, pending and a 24 h expiry; a retry answers the same proposal", async () => {
    const p = proposal();
    const before = Date.now();
    const first = await call("POST", "/api/v1/proposals", p);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: "pending", digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(first.body.digest).toBe(
      proposalDigest({
        agent: "support-bot",
        action: p.action,
        audience: "external",
        subject: p.subject,
        parameters: p.parameters,
      }),
    );
    const ttl = Date.parse(first.body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(23.9 * 3_600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3_600_000 + 60_000);
    const again = await call("POST", "/api/v1/proposals", p);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const reused = await call("POST", "/api/v1/proposals", { ...p, subject: "customer:43" });
    expect(reused.status).toBe(409);
  });

  it("refuses bad input with the JSON error model", async () => {
    const cases: Array<[string, unknown, number]> = [
      ["unknown field", proposal({ amount: 5 }), 422],
      ["unknown action", proposal({ action: "nope.never" }), 422],
      ["constructor as action", proposal({ action: "constructor" }), 422],
      ["control character in subject", proposal({ subject: "customer:\u0007" }), 422],
      ["NUL in subject", proposal({ subject: "a\u0000b" }), 422],
      ["audience case", proposal({ audience: "External" }), 422],
      ["parameters over 8 KiB", proposal({ parameters: { a: "x".repeat(8200) } }), 422],
      [
        "parameters 9 levels deep",
        proposal({ parameters: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } }),
        422,
      ],
      ["parameters not an object", proposal({ parameters: [1, 2] }), 422],
      ["NUL inside parameters", proposal({ parameters: { a: "\u0000" } }), 422],
      ["missing summary", { ...proposal(), summary: undefined }, 422],
    ];
    for (const [name, body, status] of cases) {
      const res = await call("POST", "/api/v1/proposals", body);
      expect(res.status, name).toBe(status);
      expect(res.body.error?.code, name).toMatch(/validation_failed/);
    }
    expect((await call("POST", "/api/v1/proposals", "{not json")).status).toBe(400);
    const noKey = await fetch(`${server.baseUrl}/api/v1/proposals`, { method: "POST", body: "{}" });
    expect(noKey.status).toBe(401);
    expect((await call("GET", "/api/v1/proposals")).status).toBe(405);
  });
});

describe("GET /api/v1/proposals/{id} and consume", () => {
  it("the agent reads its own proposal, another agent gets 404; a pending proposal grants nothing", async () => {
    const { body: created } = await call("POST", "/api/v1/proposals", proposal());
    const own = await call("GET", `/api/v1/proposals/${created.id}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: created.id, status: "pending", decision: null, consumedAt: null });
    expect((await call("GET", `/api/v1/proposals/${created.id}`, undefined, infra)).status).toBe(404);
    expect((await call("GET", `/api/v1/proposals/${randomUUID()}`)).status).toBe(404);
    expect((await call("GET", "/api/v1/proposals/not-a-uuid")).status).toBe(404);

    const waited = await call("GET", `/api/v1/proposals/${created.id}?wait=1`);
    expect(waited.body.status).toBe("pending");
    expect((await call("GET", `/api/v1/proposals/${created.id}?wait=31`)).status).toBe(400);

    const consume = await call("POST", `/api/v1/proposals/${created.id}/consume`, { digest: created.digest });
    expect(consume.status).toBe(409);
    expect(consume.body.error.code).toBe("not_granted");
    expect(
      (await call("POST", `/api/v1/proposals/${created.id}/consume`, { digest: created.digest }, infra)).status,
    ).toBe(404);
    expect((await call("POST", `/api/v1/proposals/${created.id}/consume`, { digest: "abc" })).status).toBe(422);
  });
});
