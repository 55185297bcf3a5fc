// The red-team attacks of issue 21 on URLs and 500s (items 1, 8 and 9), against the real production
// server on its embedded database, the way an attacker or a careless user would run them.
import http from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, signInCookie, startServer, type TestServer } from "../helpers/server";
import { callAction, serverActions, type ServerActionRef } from "../helpers/actions";

/** The public URL the operator configured; deliberately not the address the tests reach the server at. */
const PUBLIC_URL = "https://cwr.public.example";

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startServer({ PUBLIC_URL });
  admin = await signInCookie(server.baseUrl, "admin@demo.local");
}, 240_000);
afterAll(async () => server?.stop());

/** A raw request with a Host header of the attacker's choosing (fetch does not let one set it). */
function rawRequest(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: server.port,
        path,
        method: options.method ?? "GET",
        headers: { host: `localhost:${server.port}`, ...options.headers },
      },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("1. no open redirect after sign-in", () => {
  for (const target of [
    "/.//evil.example",
    "/..//evil.example",
    "/a/..//evil.example",
    "/./\\evil.example",
    "/%2e//evil.example",
    "/a/%2e%2e//evil.example",
  ]) {
    it(`signed in, /signin?callbackUrl=${target} stays on this site`, async () => {
      const res = await fetch(`${server.baseUrl}/signin?callbackUrl=${encodeURIComponent(target)}`, {
        headers: { cookie: admin },
        redirect: "manual",
      });
      expect(res.status).toBeGreaterThanOrEqual(300);
      expect(res.status).toBeLessThan(400);
      const location = res.headers.get("location") ?? "";
      expect(location).not.toMatch(/^[\\/]{2}|^[a-z][a-z0-9+.-]*:/i);
      expect(new URL(location, server.baseUrl).host).toBe(new URL(server.baseUrl).host);
    });
  }
});

describe("8. URLs come from the configured public URL, never from Host", () => {
  it("the OFREP eventStreams URL ignores a forged Host and keeps the public URL's scheme", async () => {
    const key = await createKey(server.baseUrl, "support-bot", "issue 21 host attack");
    const res = await rawRequest("/ofrep/v1/evaluate/flags", {
      method: "POST",
      headers: { host: "evil.example", authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ context: { targetingKey: "t-1" } }),
    });
    expect(res.status).toBe(200);
    const { eventStreams } = JSON.parse(res.body) as { eventStreams: Array<{ url: string }> };
    expect(eventStreams).toHaveLength(1);
    expect(eventStreams[0]!.url).not.toContain("evil.example");
    expect(eventStreams[0]!.url.startsWith(`${PUBLIC_URL}/ofrep/v1/events?token=`)).toBe(true);
  });

  it("the OpenAPI document names the public URL as its server, whatever the Host", async () => {
    const res = await rawRequest("/api/v1/openapi.json", { headers: { host: "evil.example" } });
    expect(res.status).toBe(200);
    expect(res.body).not.toContain("evil.example");
    expect((JSON.parse(res.body) as { servers: Array<{ url: string }> }).servers[0]!.url).toBe(PUBLIC_URL);
  });
});

/** Every byte percent-encoded (a lone surrogate becomes U+FFFD's bytes, as a browser sends it). */
const encodeSegment = (s: string) =>
  [...Buffer.from(s || "x")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

describe("9. no 500s", () => {
  const pagesWithParams = ["/", "/requests", "/audit", "/admin/keys", "/admin/notifications", "/forbidden", "/signin"];

  it("a NUL in a query parameter is a 422 JSON error", async () => {
    for (const page of pagesWithParams) {
      const res = await fetch(`${server.baseUrl}${page}?q=%00&status=a%00b`, {
        headers: { cookie: admin },
        redirect: "manual",
      });
      expect(res.status, page).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
  });

  it("server actions refuse bodies over 1 MB and reference strings with a 4xx, signed in or not", async () => {
    const [action] = serverActions();
    expect(action).toBeDefined();
    const big = JSON.stringify([{ text: "x".repeat(1_100_000) }]);
    for (const cookie of ["", admin]) {
      for (const body of [big, '["$1"]', '["$Q0"]', '[{"a":"$@1"}]', '["$K1"]', '["$"]', '["$nabc"]']) {
        const { status } = await callAction(server.baseUrl, cookie, action!, null, body);
        expect(status, body.slice(0, 20)).toBeGreaterThanOrEqual(400);
        expect(status, body.slice(0, 20)).toBeLessThan(500);
      }
    }
  });

  it("fuzzing every server action and page parameter (600 seeded cases) answers no 5xx", async () => {
    const actions = serverActions();
    const dynamicPages = ["/action-types/", "/action-types/x/policy", "/requests/", "/admin/agents/"];
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.constantFrom("$1", "$Q0", "$@0", "$K", "$n", "$D", "$$", "\u0000", "%00", "\ud800", "..", "constructor"),
    );
    const actionCase = fc.record({
      kind: fc.constant("action" as const),
      action: fc.constantFrom(...actions),
      signedIn: fc.boolean(),
      body: fc.oneof(
        fc.jsonValue().map((v) => JSON.stringify([v])),
        fc.array(text, { maxLength: 3 }).map((v) => JSON.stringify(v)),
        fc.dictionary(text, fc.oneof(text, fc.integer()), { maxKeys: 4 }).map((v) => JSON.stringify([v])),
        text,
      ),
    });
    const pageCase = fc.record({
      kind: fc.constant("page" as const),
      page: fc.constantFrom(...pagesWithParams, ...dynamicPages),
      signedIn: fc.boolean(),
      params: fc.array(
        fc.tuple(
          fc.constantFrom("q", "status", "kind", "agent", "endpoint", "need", "callbackUrl", "before", "actor", "page"),
          text,
        ),
        {
          maxLength: 3,
        },
      ),
      segment: text,
    });
    const seen: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.oneof(actionCase, pageCase), async (c) => {
        const cookie = c.signedIn ? admin : "";
        let status: number;
        if (c.kind === "action") {
          status = (await callAction(server.baseUrl, cookie, c.action as ServerActionRef, null, c.body)).status;
          seen.push(`${status} ${c.action.name} ${c.body.slice(0, 60)}`);
        } else {
          const path =
            dynamicPages.includes(c.page) && c.page.endsWith("/") ? c.page + encodeSegment(c.segment) : c.page;
          const query = new URLSearchParams(c.params).toString();
          const res = await fetch(`${server.baseUrl}${path}${query ? `?${query}` : ""}`, {
            headers: { cookie },
            redirect: "manual",
          });
          await res.arrayBuffer();
          status = res.status;
          seen.push(`${status} GET ${path}?${query}`);
        }
        return status < 500;
      }),
      { numRuns: 600, seed: 21, endOnFailure: true },
    );
    expect(seen.length).toBeGreaterThanOrEqual(500);
  }, 600_000);
});
