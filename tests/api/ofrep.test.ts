// OFREP with the real OpenFeature server SDK and the real OFREP provider, no custom code: the flag
// key is the action key, the value the tier (SPEC §4). And the bulk endpoint's ETag protocol.
import { randomUUID } from "node:crypto";
import { OpenFeature } from "@openfeature/server-sdk";
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { OFREPApi } from "@openfeature/ofrep-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let support: string;
let infra: string;

const provider = (key: string) =>
  new OFREPProvider({ baseUrl: server.baseUrl, headers: [["Authorization", `Bearer ${key}`]] });

async function criticalIncident(key: string, action: string, tier: string) {
  const res = await fetch(`${server.baseUrl}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      events: [
        {
          idempotencyKey: `incident-${randomUUID()}`,
          action,
          kind: "incident",
          severity: "critical",
          tier,
          occurredAt: new Date().toISOString(),
        },
      ],
    }),
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { accepted: number }).accepted).toBe(1);
}

async function bulk(key: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.baseUrl}/ofrep/v1/evaluate/flags`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: "{}",
  });
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get("etag"),
    contentType: res.headers.get("content-type"),
    text,
    body: text ? JSON.parse(text) : undefined,
  };
}

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  [support, infra] = await Promise.all([
    createKey(server.baseUrl, "support-bot"),
    createKey(server.baseUrl, "infra-bot"),
  ]);
  await OpenFeature.setProviderAndWait(provider(support));
  await OpenFeature.setProviderAndWait("infra", provider(infra));
  await OpenFeature.setProviderAndWait("bad-key", provider(`cwr_${"0".repeat(43)}`));
}, 180_000);
afterAll(async () => {
  await OpenFeature.close();
  await server?.stop();
});

describe("the OpenFeature server SDK with the OFREP provider", () => {
  it("reads the seeded tier of ticket.tag with reason TARGETING_MATCH and flat metadata", async () => {
    const details = await OpenFeature.getClient().getStringDetails("ticket.tag", "CRAWL");
    expect(details.errorCode).toBeUndefined();
    expect(details).toMatchObject({ flagKey: "ticket.tag", value: "RUN", variant: "RUN", reason: "TARGETING_MATCH" });
    expect(details.flagMetadata).toEqual({
      policyVersion: expect.any(Number),
      mode: "act_external",
      tierSince: expect.any(String),
    });
    expect(Number.isInteger(details.flagMetadata.policyVersion)).toBe(true);
    expect(new Date(details.flagMetadata.tierSince as string).toISOString()).toBe(details.flagMetadata.tierSince);
  });

  it("agrees with GET /api/v1/tiers for every action type of the agent", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/tiers`, { headers: { authorization: `Bearer ${support}` } });
    const { tiers } = (await res.json()) as {
      tiers: Array<{
        action: string;
        tier: string;
        mode: string;
        policyVersion: number;
        tierSince: string;
        frozen: boolean;
      }>;
    };
    expect(tiers.length).toBeGreaterThan(3);
    const client = OpenFeature.getClient();
    for (const t of tiers) {
      const d = await client.getStringDetails(t.action, "CRAWL");
      expect(d, t.action).toMatchObject({
        value: t.tier,
        variant: t.tier,
        reason: t.frozen ? "DISABLED" : "TARGETING_MATCH",
        flagMetadata: { policyVersion: t.policyVersion, mode: t.mode, tierSince: t.tierSince },
      });
    }
  });

  it("an unknown key gives FLAG_NOT_FOUND and the default value", async () => {
    const client = OpenFeature.getClient();
    for (const key of ["no.such.action", "constructor", "db.migrate" /* infra-bot's, not support-bot's */]) {
      const d = await client.getStringDetails(key, "CRAWL");
      expect(d, key).toMatchObject({ value: "CRAWL", errorCode: "FLAG_NOT_FOUND", reason: "ERROR" });
    }
    expect(await client.getStringValue("no.such.action", "fallback")).toBe("fallback");
  });

  it("a frozen action type answers reason DISABLED, still with its tier", async () => {
    const d = await OpenFeature.getClient("infra").getStringDetails("db.migrate", "RUN");
    expect(d.errorCode).toBeUndefined();
    expect(d).toMatchObject({
      value: "CRAWL",
      variant: "CRAWL",
      reason: "DISABLED",
      flagMetadata: { mode: "suggest" },
    });
    // and a tier that is not frozen is a normal match
    expect(await OpenFeature.getClient("infra").getStringDetails("scale.adjust", "CRAWL")).toMatchObject({
      reason: "TARGETING_MATCH",
    });
  });

  it("an unknown API key fails closed: the caller's default, with an error", async () => {
    const d = await OpenFeature.getClient("bad-key").getStringDetails("ticket.tag", "CRAWL");
    expect(d.value).toBe("CRAWL");
    expect(d.reason).toBe("ERROR");
    expect(d.errorCode).toBeDefined();
  });

  it("asking for another type than a string is a TYPE_MISMATCH with the default", async () => {
    const d = await OpenFeature.getClient().getBooleanDetails("ticket.tag", false);
    expect(d).toMatchObject({ value: false, errorCode: "TYPE_MISMATCH" });
  });

  it("an evaluation context is accepted (and does not change the tier)", async () => {
    const d = await OpenFeature.getClient().getStringDetails("ticket.tag", "CRAWL", {
      targetingKey: "customer-42",
      plan: "enterprise",
      seats: 40,
      beta: true,
    });
    expect(d).toMatchObject({ value: "RUN", reason: "TARGETING_MATCH" });
  });

  it("a tier change (a critical incident on a RUN action type) is seen by the next evaluation", async () => {
    const client = OpenFeature.getClient();
    const before = await client.getStringDetails("ticket.tag", "CRAWL");
    expect(before.value).toBe("RUN");
    await criticalIncident(support, "ticket.tag", "RUN");
    const after = await client.getStringDetails("ticket.tag", "RUN");
    expect(after).toMatchObject({
      value: "CRAWL",
      variant: "CRAWL",
      reason: "TARGETING_MATCH",
      flagMetadata: { mode: "suggest" },
    });
    expect(after.errorCode).toBeUndefined();
    expect(Date.parse(after.flagMetadata.tierSince as string)).toBeGreaterThan(
      Date.parse(before.flagMetadata.tierSince as string),
    );
  });
});

describe("bulk evaluation", () => {
  it("answers every flag of the agent with a quoted strong ETag and eventStreams pointing at the SSE stream", async () => {
    const res = await bulk(infra);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(res.etag).toMatch(/^"[\x21\x23-\x7e]+"$/); // RFC 9110 entity-tag, not W/
    const keys = res.body.flags.map((f: { key: string }) => f.key);
    expect(keys).toEqual(expect.arrayContaining(["scale.adjust", "deploy.rollback", "db.migrate", "dns.change"]));
    expect(keys).not.toContain("ticket.tag");
    expect(res.body.flags.find((f: { key: string }) => f.key === "db.migrate")).toMatchObject({
      value: "CRAWL",
      reason: "DISABLED",
      variant: "CRAWL",
    });
    // ADR-0008: a stream a plain EventSource can open (no headers: the URL carries a signed token)
    expect(res.body.eventStreams).toEqual([
      {
        type: "sse",
        url: expect.stringMatching(
          new RegExp(`^${new URL(server.baseUrl).origin}/ofrep/v1/events\\?token=[\\w-]+\\.[\\w-]+$`),
        ),
        inactivityDelaySec: expect.any(Number),
      },
    ]);
    // the advertised stream is real and speaks SSE, without any header
    const ctrl = new AbortController();
    const stream = await fetch(res.body.eventStreams[0].url, { signal: ctrl.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    ctrl.abort();
  });

  it("If-None-Match → 304 with no body; weak, listed and * forms match too; another tag does not", async () => {
    const first = await bulk(infra);
    const tag = first.etag!;
    for (const inm of [tag, `W/${tag}`, `"other", ${tag}`, "*"]) {
      const res = await bulk(infra, { "if-none-match": inm });
      expect(res.status, inm).toBe(304);
      expect(res.text).toBe("");
      expect(res.etag).toBe(tag);
    }
    for (const inm of ['"other"', tag.slice(1, -1), `${tag.slice(0, -1)}x"`]) {
      const res = await bulk(infra, { "if-none-match": inm });
      expect(res.status, inm).toBe(200);
      expect(res.etag).toBe(tag);
    }
  });

  it("the ETag is stable while nothing changes, differs per agent, and changes with a tier change", async () => {
    const a = await bulk(support);
    const b = await bulk(support);
    expect(a.etag).toBe(b.etag);
    expect((await bulk(infra)).etag).not.toBe(a.etag);
    // ticket.escalate is WALK in the seed
    expect(a.body.flags.find((f: { key: string }) => f.key === "ticket.escalate").value).toBe("WALK");
    await criticalIncident(support, "ticket.escalate", "WALK");
    const c = await bulk(support, { "if-none-match": a.etag! });
    expect(c.status).toBe(200);
    expect(c.etag).toMatch(/^"[^"]+"$/);
    expect(c.etag).not.toBe(a.etag);
    expect(c.body.flags.find((f: { key: string }) => f.key === "ticket.escalate")).toMatchObject({
      value: "CRAWL",
      variant: "CRAWL",
    });
    expect((await bulk(support, { "if-none-match": c.etag! })).status).toBe(304);
  });

  it("the OFREP client library's own bulk call reads it, 304 included", async () => {
    const api = new OFREPApi(server.baseUrl);
    const headers: Array<[string, string]> = [["Authorization", `Bearer ${infra}`]];
    const first = await api.postBulkEvaluateFlags({ context: { targetingKey: "x" } }, { headers });
    expect(first.httpStatus).toBe(200);
    const etag = first.httpResponse!.headers.get("etag")!;
    expect(first.value).toMatchObject({
      flags: expect.arrayContaining([expect.objectContaining({ key: "db.migrate", reason: "DISABLED" })]),
    });
    const again = await api.postBulkEvaluateFlags(
      { context: { targetingKey: "x" } },
      { headers: [...headers, ["If-None-Match", etag]] },
    );
    expect(again.httpStatus).toBe(304);
  });
});
