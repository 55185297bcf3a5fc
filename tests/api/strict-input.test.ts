// Strict OFREP and event input (SPEC §4), against the real server: an OFREP context's targetingKey is
// a string of at most 256 characters and the context is bounded (8 levels, 8 KiB) → 400
// INVALID_CONTEXT otherwise; control characters, NUL and lone surrogates in an event's
// idempotencyKey or subjectRef reject that event (not the batch) and nothing of it is stored.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let key: string;

const OFREP = ["/ofrep/v1/evaluate/flags", "/ofrep/v1/evaluate/flags/ticket.tag"];

async function post(path: string, raw: string) {
  const res = await fetch(server.baseUrl + path, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: raw,
  });
  const text = await res.text();
  return {
    status: res.status,
    body: JSON.parse(text) as Record<string, unknown> & { error: { code: string; message: string } },
  };
}

const nested = (levels: number) => '{"a":'.repeat(levels) + "1" + "}".repeat(levels);

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  key = await createKey(server.baseUrl, "support-bot", "strict input");
}, 180_000);
afterAll(async () => server?.stop());

describe("OFREP context", () => {
  const refused: Array<[string, string]> = [
    ["a number targetingKey", '{"context":{"targetingKey":42}}'],
    ["an array targetingKey", '{"context":{"targetingKey":["a"]}}'],
    ["an object targetingKey", '{"context":{"targetingKey":{"id":"a"}}}'],
    ["a null targetingKey", '{"context":{"targetingKey":null}}'],
    ["an empty targetingKey", '{"context":{"targetingKey":""}}'],
    ["a targetingKey of 257 characters", `{"context":{"targetingKey":"${"k".repeat(257)}"}}`],
    ["a targetingKey with BEL", '{"context":{"targetingKey":"user\\u0007"}}'],
    ["a targetingKey with NUL", '{"context":{"targetingKey":"user\\u0000"}}'],
    ["a targetingKey with a lone surrogate", '{"context":{"targetingKey":"user\\ud800"}}'],
    ["a targetingKey 60,000 levels deep", `{"context":{"targetingKey":${nested(60_000)}}}`],
    ["a context 9 levels deep", `{"context":{"x":${nested(8)}}}`],
    ["a context 60,000 levels deep", `{"context":{"x":${nested(60_000)}}}`],
    ["a context over 8 KiB", `{"context":{"targetingKey":"u","note":"${"x".repeat(8 * 1024)}"}}`],
  ];
  it.each(OFREP.flatMap((p) => refused.map(([what, raw]) => [p, what, raw] as const)))(
    "%s: %s → 400 INVALID_CONTEXT",
    async (path, _what, raw) => {
      const res = await post(path, raw);
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(400);
      expect(res.body.errorCode).toBe("INVALID_CONTEXT");
      expect(res.body.error.code).toBe("invalid_context");
    },
  );

  it.each(OFREP)("%s: a string targetingKey of 256 characters and a context of 8 levels are accepted", async (path) => {
    expect((await post(path, `{"context":{"targetingKey":"${"k".repeat(256)}"}}`)).status).toBe(200);
    expect((await post(path, `{"context":{"targetingKey":"u-1","x":${nested(7)}}}`)).status).toBe(200);
    expect((await post(path, '{"context":{"targetingKey":"émile-😀"}}')).status).toBe(200);
  });
});

describe("event idempotency keys and subject references", () => {
  const BAD = [
    ["BEL", "\u0007"],
    ["backspace", "\b"],
    ["NUL", "\u0000"],
    ["newline", "\n"],
    ["escape", "\u001b"],
    ["DEL", "\u007f"],
    ["a C1 control (NEL)", "\u0085"],
    ["a lone high surrogate", "\ud800"],
    ["a lone low surrogate", "\udc00"],
  ];
  it("each event with one of them is rejected on its own, naming the field; the good events are stored", async () => {
    const event = (o: Record<string, unknown>) => ({
      idempotencyKey: `strict-${randomUUID()}`,
      action: "ticket.tag",
      kind: "outcome.positive",
      tier: "RUN",
      occurredAt: new Date().toISOString(),
      ...o,
    });
    const cases = BAD.flatMap(
      ([, c]) =>
        [
          [event({ idempotencyKey: `strict-${c}-${randomUUID()}` }), "idempotencyKey"],
          [event({ subjectRef: `customer-${c}-1` }), "subjectRef"],
        ] as const,
    );
    const good = [event({ subjectRef: "customer-émile-😀" }), event({})];
    const res = await fetch(`${server.baseUrl}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events: [...cases.map(([e]) => e), ...good] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      accepted: number;
      rejected: number;
      results: Array<{ status: string; reason?: string; details?: { issues: Array<{ path: string }> } }>;
    };
    expect(body).toMatchObject({ accepted: good.length, rejected: cases.length });
    cases.forEach(([, field], i) => {
      expect(body.results[i], `${BAD[Math.floor(i / 2)]![0]} in ${field}`).toMatchObject({
        status: "rejected",
        reason: "invalid",
      });
      expect(body.results[i]!.details!.issues.map((x) => x.path)).toContain(field);
    });
    // sent again, the refused keys are still unused (nothing was stored under them) and stay refused
    const again = await fetch(`${server.baseUrl}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events: cases.map(([e]) => e) }),
    });
    expect(((await again.json()) as { rejected: number }).rejected).toBe(cases.length);
  });
});
