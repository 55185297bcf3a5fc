// OFREP event streams (ADR-0008, SPEC §4) with the real OpenFeature web SDK and its OFREP provider:
// polling off, cache off, the `eventsource` package as the browser's EventSource (no headers, so the
// stream URL's token is the only credential). A freeze reaches the provider as a configuration
// change, the stream never fails, and the token cannot be forged, reused for another agent or kept
// past a revoked key.
import { OpenFeature, ProviderEvents } from "@openfeature/web-sdk";
import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, signInCookie, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let admin: string;

/** Every EventSource the provider opens, with its failures (a failure is an `error` event). */
const opened: Array<{ url: string; errors: number; opens: number }> = [];
class CountingEventSource extends EventSource {
  constructor(url: string | URL) {
    super(url);
    const record = { url: String(url), errors: 0, opens: 0 };
    opened.push(record);
    this.addEventListener("error", () => record.errors++);
    this.addEventListener("open", () => record.opens++);
  }
}

async function actionTypeId(agent: string, key: string): Promise<string> {
  const res = await fetch(`${server.baseUrl}/api/dashboard/overview?agent=${agent}&q=${key}`, {
    headers: { cookie: admin },
  });
  const body = (await res.json()) as {
    rows: Array<{ id: string; agentSlug: string; key: string; stateVersion: number }>;
  };
  const row = body.rows.find((r) => r.agentSlug === agent && r.key === key);
  if (!row) throw new Error(`no action type ${agent}/${key}`);
  stateVersions.set(row.id, row.stateVersion);
  return row.id;
}

/** The state each freeze was decided on (SPEC §3 rule 11): the last answer's, or the overview's. */
const stateVersions = new Map<string, number>();

async function freeze(id: string, frozen: boolean) {
  const res = await fetch(`${server.baseUrl}/api/admin/action-types/${id}/freeze`, {
    method: "POST",
    headers: { cookie: admin, "content-type": "application/json" },
    body: JSON.stringify({
      frozen,
      stateVersion: stateVersions.get(id),
      rationale: `OFREP web provider test: ${frozen ? "freeze" : "unfreeze"} the action type.`,
    }),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  stateVersions.set(id, (JSON.parse(text) as { stateVersion: number }).stateVersion);
}

async function bulk(key: string) {
  const res = await fetch(`${server.baseUrl}/ofrep/v1/evaluate/flags`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: "{}",
  });
  return (await res.json()) as { eventStreams: Array<{ type: string; url: string; inactivityDelaySec: number }> };
}

/** Reads a stream's first bytes (status and the first event), then hangs up. */
async function peek(url: string): Promise<{ status: number; text: string }> {
  const ctrl = new AbortController();
  const res = await fetch(url, { signal: ctrl.signal });
  if (res.status !== 200) return { status: res.status, text: await res.text() };
  const reader = res.body!.getReader();
  let text = "";
  while (!text.includes("data: ")) text += new TextDecoder().decode((await reader.read()).value);
  ctrl.abort();
  return { status: 200, text };
}

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  admin = await signInCookie(server.baseUrl, "admin@demo.local");
}, 180_000);
afterAll(async () => {
  await OpenFeature.close();
  await server?.stop();
});

describe("the OpenFeature web SDK with the OFREP web provider, polling off", () => {
  it("hears a freeze as a configuration change through its stream, with no failed stream connection", async () => {
    const key = await createKey(server.baseUrl, "support-bot", "web provider");
    const id = await actionTypeId("support-bot", "ticket.tag");
    // the provider opens streams with the global EventSource, as in a browser
    (globalThis as unknown as { EventSource: unknown }).EventSource = CountingEventSource;
    const provider = new OFREPWebProvider({
      baseUrl: server.baseUrl,
      headers: [["Authorization", `Bearer ${key}`]],
      pollInterval: 0,
      cacheMode: "disabled",
    });
    await OpenFeature.setContext({ targetingKey: "web-user-1" });
    await OpenFeature.setProviderAndWait(provider);
    const client = OpenFeature.getClient();
    expect(client.getStringDetails("ticket.tag", "CRAWL")).toMatchObject({ value: "RUN", reason: "TARGETING_MATCH" });

    // the stream is open before the change is made
    const deadline = Date.now() + 20_000; // generous: detects a stream that never opens (loaded CI)
    while (!opened.some((o) => o.opens > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(opened.length).toBe(1);
    expect(opened[0]!.url).toMatch(/\/ofrep\/v1\/events\?token=/);

    const changed = new Promise<number>((resolve) =>
      client.addHandler(ProviderEvents.ConfigurationChanged, () => resolve(performance.now())),
    );
    const sent = performance.now();
    await freeze(id, true);
    const heard = await Promise.race([
      changed,
      new Promise<never>((_, reject) =>
        // A bound that detects a notice that never comes; its latency is a benchmark row (npm run bench, stream).
        setTimeout(() => reject(new Error("no configuration change")), 20_000),
      ),
    ]);
    console.log(`configuration change heard ${Math.round(heard - sent)} ms after the freeze was sent`);
    expect(client.getStringDetails("ticket.tag", "CRAWL")).toMatchObject({ value: "RUN", reason: "DISABLED" });

    await freeze(id, false);
    const back = Date.now() + 20_000;
    while (client.getStringDetails("ticket.tag", "CRAWL").reason !== "TARGETING_MATCH" && Date.now() < back)
      await new Promise((r) => setTimeout(r, 20));
    expect(client.getStringDetails("ticket.tag", "CRAWL").reason).toBe("TARGETING_MATCH");

    // one stream, opened once, never failed (no reconnect loop, no poll in disguise)
    expect(opened.map((o) => ({ opens: o.opens, errors: o.errors }))).toEqual([{ opens: 1, errors: 0 }]);
    await OpenFeature.clearProviders();
  }, 30_000);
});

describe("the stream URL's token", () => {
  it("is the only credential: missing, forged or tampered tokens get a JSON 401", async () => {
    const key = await createKey(server.baseUrl, "infra-bot", "token test");
    const { eventStreams } = await bulk(key);
    expect(eventStreams).toEqual([
      { type: "sse", url: expect.stringContaining("/ofrep/v1/events?token="), inactivityDelaySec: expect.any(Number) },
    ]);
    const url = new URL(eventStreams[0]!.url);
    const token = url.searchParams.get("token")!;
    const [payload, signature] = token.split(".");
    const other = JSON.parse(Buffer.from(payload!, "base64url").toString()) as { a: string };
    const forged = Buffer.from(JSON.stringify({ ...other, a: "00000000-0000-0000-0000-000000000000" })).toString(
      "base64url",
    );
    for (const bad of [
      "",
      "x",
      `${forged}.${signature}`,
      `${payload}.${signature!.slice(0, -2)}AA`,
      `${payload}`,
      "a".repeat(600),
    ]) {
      const res = await peek(`${url.origin}${url.pathname}?token=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: "unauthenticated" } });
    }
    const good = await peek(eventStreams[0]!.url);
    expect(good.status).toBe(200);
    expect(good.text).toMatch(/^data: \{"type":"refetchEvaluation","etag":"\\"[^"]+\\""\}$/m);
  });

  it("is not written to the logs", async () => {
    const key = await createKey(server.baseUrl, "sales-bot", "log test");
    const { eventStreams } = await bulk(key);
    await peek(eventStreams[0]!.url);
    const token = new URL(eventStreams[0]!.url).searchParams.get("token")!;
    expect(server.logs()).not.toContain(token);
    expect(server.logs()).not.toContain(token.split(".")[1]);
  });

  it("stops working for a revoked key: its open stream is closed and a new one refused", async () => {
    const res = await fetch(`${server.baseUrl}/api/admin/agents/support-bot/keys`, {
      method: "POST",
      headers: { cookie: admin, "content-type": "application/json" },
      body: JSON.stringify({ name: "revoked stream" }),
    });
    const { id, secret } = (await res.json()) as { id: string; secret: string };
    const { eventStreams } = await bulk(secret);
    const ctrl = new AbortController();
    const stream = await fetch(eventStreams[0]!.url, { signal: ctrl.signal });
    expect(stream.status).toBe(200);
    const ended = (async () => {
      const reader = stream.body!.getReader();
      while (!(await reader.read()).done);
    })();
    expect(
      (await fetch(`${server.baseUrl}/api/admin/keys/${id}`, { method: "DELETE", headers: { cookie: admin } })).status,
    ).toBe(200);
    await Promise.race([
      ended,
      new Promise((_, reject) => setTimeout(() => reject(new Error("the revoked key's stream stayed open")), 3_000)),
    ]);
    expect((await peek(eventStreams[0]!.url)).status).toBe(401);
  });
});
