// The OpenFeature provider of the SDK (lib/sdk/openfeature.ts) with the real `@openfeature/server-sdk`
// against the real server: a flag evaluates to the action type's tier over OFREP, and OpenFeature's
// track() reports an outcome (the event kind is the tracking name) exactly once, however often it is
// repeated with the same idempotency key; a tracking name that is not an outcome kind stores nothing.
import { randomUUID } from "node:crypto";
import { OpenFeature } from "@openfeature/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CwrOpenFeatureProvider } from "@cwr/sdk/openfeature";
import type { EventsResponse, OutcomeEvent, TierView } from "@cwr/sdk/types";
import { createKey, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let key: string;
let provider: CwrOpenFeatureProvider;
const DOMAIN = "cwr-openfeature-test";
/** every outcome event the provider's reporter sent, as sent */
const sent: OutcomeEvent[] = [];
const batches: EventsResponse[] = [];
const dropped: Array<{ reason: string; name: string }> = [];

beforeAll(async () => {
  server = await startServer();
  key = await createKey(server.baseUrl, "support-bot", "openfeature provider test");
  provider = new CwrOpenFeatureProvider({
    baseUrl: server.baseUrl,
    apiKey: key,
    reporterOptions: {
      flushIntervalMs: 50,
      fetch: (input, init) => {
        if (String(input).endsWith("/api/v1/events"))
          sent.push(...(JSON.parse(String(init?.body)) as { events: OutcomeEvent[] }).events);
        return fetch(input, init);
      },
      onBatch: (b) => batches.push(b),
    },
    onDropped: (reason, name) => dropped.push({ reason, name }),
  });
  await OpenFeature.setProviderAndWait(DOMAIN, provider);
}, 180_000);

afterAll(async () => {
  await OpenFeature.clearProviders();
  await server?.stop();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });

async function tierOf(action: string): Promise<TierView> {
  return (await (await api(`/api/v1/tiers/${action}`)).json()) as TierView;
}

/** Posts an event with this key directly: `duplicate` means the server already stored one under it. */
async function storedUnder(idempotencyKey: string, tier: string): Promise<boolean> {
  const event = {
    idempotencyKey,
    action: "ticket.tag",
    kind: "action.completed",
    tier,
    occurredAt: new Date().toISOString(),
  };
  const res = await api("/api/v1/events", { method: "POST", body: JSON.stringify({ events: [event] }) });
  const body = (await res.json()) as EventsResponse;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.results[0]!.status === "duplicate";
}

describe("the OpenFeature provider against the real server", () => {
  it("evaluates a flag to the action type's tier over OFREP", async () => {
    const client = OpenFeature.getClient(DOMAIN);
    for (const action of ["ticket.tag", "ticket.reply"]) {
      const view = await tierOf(action);
      expect(await client.getStringValue(action, "CRAWL", { targetingKey: "customer-1" })).toBe(view.tier);
      const details = await client.getStringDetails(action, "CRAWL", { targetingKey: "customer-1" });
      expect(details).toMatchObject({ value: view.tier, variant: view.tier, reason: "TARGETING_MATCH" });
      expect(details.flagMetadata).toMatchObject({ mode: view.mode, policyVersion: view.policyVersion });
    }
    // A tier is a string: read as an object it is the default, with the type mismatch said.
    const asObject = await client.getObjectDetails("ticket.tag", { tier: "CRAWL" }, { targetingKey: "customer-1" });
    expect(asObject).toMatchObject({ value: { tier: "CRAWL" }, errorCode: "TYPE_MISMATCH" });
    // An unknown action is no flag.
    const unknown = await client.getStringDetails("no.such.action", "CRAWL", {});
    expect(unknown).toMatchObject({ value: "CRAWL", errorCode: "FLAG_NOT_FOUND" });
  });

  it("track() stores the outcome once at the evaluated tier, however often it is repeated with the same key", async () => {
    const client = OpenFeature.getClient(DOMAIN);
    const context = { targetingKey: `ticket-${randomUUID()}` };
    const tier = await client.getStringValue("ticket.tag", "CRAWL", context);
    const idempotencyKey = `of-track-${randomUUID()}`;
    const before = sent.length;
    for (let i = 0; i < 3; i++)
      client.track("action.completed", context, { action: "ticket.tag", idempotencyKey, value: 1 });
    await provider.flush();

    const mine = sent.slice(before).filter((e) => e.idempotencyKey === idempotencyKey);
    expect(mine.length).toBe(3);
    for (const e of mine)
      expect(e).toMatchObject({
        action: "ticket.tag",
        kind: "action.completed",
        tier,
        subjectRef: context.targetingKey,
        metadata: { value: 1 },
      });
    const results = batches.flatMap((b) => b.results).filter((r) => r.idempotencyKey === idempotencyKey);
    expect(results.map((r) => r.status).sort()).toEqual(["accepted", "duplicate", "duplicate"]);
    expect(await storedUnder(idempotencyKey, tier)).toBe(true);
    expect(dropped).toEqual([]);
  });

  it("track() without a key reports each call once, with a key generated when it is queued", async () => {
    const client = OpenFeature.getClient(DOMAIN);
    const context = { targetingKey: `ticket-${randomUUID()}` };
    await client.getStringValue("ticket.reply", "CRAWL", context);
    const before = sent.length;
    client.track("outcome.positive", context, { action: "ticket.reply" });
    await provider.flush();
    const mine = sent.slice(before).filter((e) => e.subjectRef === context.targetingKey);
    expect(mine.length).toBe(1);
    expect(mine[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(await storedUnder(mine[0]!.idempotencyKey, mine[0]!.tier)).toBe(true);
  });

  it("a tracking name that is not an outcome kind stores nothing and says why, without throwing", async () => {
    const client = OpenFeature.getClient(DOMAIN);
    const context = { targetingKey: `ticket-${randomUUID()}` };
    const tier = await client.getStringValue("ticket.tag", "CRAWL", context);
    const idempotencyKey = `of-unknown-${randomUUID()}`;
    const before = sent.length;
    const queued = provider.reporter.stats();
    expect(() => client.track("checkout.clicked", context, { action: "ticket.tag", idempotencyKey })).not.toThrow();
    // Neither is an action with no tier evaluated, nor a made-up tier.
    client.track("action.completed", { targetingKey: "never-evaluated" }, { action: "ticket.tag" });
    client.track("action.completed", context, { action: "ticket.tag", tier: "SPRINT" });
    await provider.flush();

    expect(sent.length).toBe(before);
    expect(provider.reporter.stats()).toMatchObject({ accepted: queued.accepted, pending: 0 });
    expect(dropped.map((d) => d.name)).toEqual(["checkout.clicked", "action.completed", "action.completed"]);
    expect(dropped[0]!.reason).toContain("not an outcome kind");
    expect(dropped[1]!.reason).toContain("no tier");
    expect(dropped[2]!.reason).toContain("not a tier");
    // Nothing was stored under the key: the server takes it now as new.
    expect(await storedUnder(idempotencyKey, tier)).toBe(false);
  });
});
