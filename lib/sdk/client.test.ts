import { afterEach, describe, expect, it } from "vitest";
import { decide } from "@cwr/gating";
import { TIERS, AUDIENCES } from "@cwr/gating/types";
import type { TierView as ServerTierView } from "@/lib/action-types/schema";
import { createClient, decideLocally, toTierView, type ClientStatus, type TierChange } from "./client";
import type { TierView } from "./types";
import { GOOD_KEY, startTinyApi, until, view } from "./tiny-api.testkit";

// The SDK declares its own wire types; they must be the server's, in both directions.
const sdkFromServer: TierView = {} as ServerTierView;
const serverFromSdk: ServerTierView = {} as TierView;
void sdkFromServer;
void serverFromSdk;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t, advance: (ms: number) => (c.t += ms) };
  return c;
}

async function setup(tiers: TierView[], options: { maxAgeMs?: number; stream?: boolean } = {}) {
  const api = await startTinyApi(tiers);
  const c = clock();
  const client = createClient({
    baseUrl: api.baseUrl,
    apiKey: GOOD_KEY,
    maxAgeMs: options.maxAgeMs ?? 1000,
    now: c.now,
    stream: options.stream,
    backoff: { initialMs: 10, maxMs: 50 },
  });
  cleanups.push(() => api.stop());
  cleanups.push(() => client.close());
  return { api, c, client };
}

const WORLD = [
  view("ticket.tag", "RUN"),
  view("ticket.reply", "WALK"),
  view("refund.issue", "CRAWL"),
  view("scale.adjust", "RUN", { frozen: true }),
];

describe("CwrClient: fail closed", () => {
  it("answers CRAWL before it has any data", async () => {
    const client = createClient({ baseUrl: "http://127.0.0.1:9", apiKey: GOOD_KEY, lazy: true });
    cleanups.push(() => client.close());
    expect(client.mode("ticket.tag")).toBe("suggest");
    expect(client.tier("ticket.tag")).toBe("CRAWL");
    expect(client.decide("ticket.tag", "internal")).toMatchObject({ allowed: false, mode: "suggest", tier: "CRAWL" });
    expect(client.status()).toMatchObject({ state: "stale", lastUpdateAt: null, ageMs: Infinity, connected: false });
    expect(client.list()).toEqual([]);
  });

  it("answers from memory once loaded; prototype keys are just unknown keys", async () => {
    const { client } = await setup(WORLD);
    expect(await client.ready()).toBe(true);
    expect(client.mode("ticket.tag")).toBe("act_external");
    expect(client.mode("ticket.reply")).toBe("act_internal");
    expect(client.mode("refund.issue")).toBe("suggest");
    for (const k of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "nope"]) {
      expect(client.mode(k)).toBe("suggest");
      expect(client.tier(k)).toBe("CRAWL");
      expect(client.decide(k, "internal").allowed).toBe(false);
    }
    expect(client.decide("ticket.reply", "internal")).toMatchObject({ allowed: true, tier: "WALK" });
    expect(client.decide("ticket.reply", "external")).toMatchObject({ allowed: false, tier: "WALK" });
    expect(client.decide("scale.adjust", "external")).toMatchObject({
      allowed: true,
      reason: "RUN: may act on external targets (tier frozen)",
    });
    expect(
      client
        .list()
        .map((v) => v.action)
        .sort(),
    ).toEqual(WORLD.map((v) => v.action).sort());
  });

  it("turns CRAWL when the data is older than maxAgeMs, and fresh again on a heartbeat", async () => {
    const { api, c, client } = await setup(WORLD, { maxAgeMs: 1000 });
    await client.ready();
    await until(() => client.status().connected, "stream");
    const statuses: ClientStatus["state"][] = [];
    client.onStatus((s) => statuses.push(s.state));
    c.advance(1000);
    expect(client.mode("ticket.tag")).toBe("act_external"); // exactly maxAgeMs old: still fresh
    c.advance(1);
    expect(client.mode("ticket.tag")).toBe("suggest");
    expect(client.tier("ticket.tag")).toBe("CRAWL");
    expect(client.decide("ticket.tag", "external")).toMatchObject({ allowed: false, tier: "CRAWL" });
    expect(client.status()).toMatchObject({ state: "stale", ageMs: 1001 });
    api.broadcast(": ping\n\n");
    await until(() => client.mode("ticket.tag") === "act_external", "heartbeat to refresh");
    expect(client.status()).toMatchObject({ state: "fresh", ageMs: 0, lastUpdateAt: c.t });
    expect(statuses).toEqual(["stale", "fresh"]);
  });

  it("applies tier changes from the stream and resumes with Last-Event-ID after a drop", async () => {
    const { api, client } = await setup(WORLD);
    await client.ready();
    await until(() => api.openStreams() === 1, "stream");
    const changes: TierChange[] = [];
    client.onChange((ch) => changes.push(ch));
    const id = "6f1c1a52-8a55-4c8e-9a44-3f3f0a6d3c11";
    api.change(view("ticket.tag", "CRAWL"), id);
    await until(() => client.mode("ticket.tag") === "suggest", "change");
    expect(changes).toEqual([
      expect.objectContaining({
        action: "ticket.tag",
        cause: "automatic_demotion",
        source: "stream",
        previous: expect.objectContaining({ tier: "RUN" }),
        current: expect.objectContaining({ tier: "CRAWL" }),
      }),
    ]);
    expect(client.status().lastEventId).toBe(id);

    api.closeStreams();
    await until(() => api.streamRequests.length === 2 && api.openStreams() === 1, "reconnect");
    expect(api.streamRequests[1]!["last-event-id"]).toBe(id);
    // The reconnect re-read /tiers conditionally: the ETag of the first answer went along.
    expect(api.tiersRequests.length).toBeGreaterThanOrEqual(2);
    expect(client.status().state).toBe("fresh");
  });

  it("fails closed on data it cannot trust (a tier whose mode is not its own) until good data comes", async () => {
    const { api, client } = await setup(WORLD);
    await client.ready();
    await until(() => api.openStreams() === 1, "stream");
    api.broadcast(
      `id: x\nevent: tier_change\ndata: ${JSON.stringify({ ...view("refund.issue", "RUN"), mode: "suggest" })}\n\n`,
    );
    await until(() => client.status().state === "error", "error state");
    expect(client.mode("ticket.tag")).toBe("suggest");
    expect(client.status().lastError?.message).toMatch(/malformed tier_change/);
    // The client reconnects (after its maximum backoff) and a good answer restores it.
    await until(() => client.status().state === "fresh", "recovery");
    expect(client.mode("ticket.tag")).toBe("act_external");
    expect(client.mode("refund.issue")).toBe("suggest");
  });

  it("fails closed at once when the key is refused, keeping its data unused", async () => {
    const { api, client } = await setup(WORLD, { maxAgeMs: 60_000 });
    await client.ready();
    await until(() => api.openStreams() === 1, "stream");
    api.validKeys.clear();
    api.closeStreams();
    await until(() => client.status().state === "error", "error");
    expect(client.status().lastError).toMatchObject({ status: 401, code: "unauthenticated" });
    expect(client.mode("ticket.tag")).toBe("suggest");
    api.validKeys.add(GOOD_KEY);
    await until(() => client.status().state === "fresh", "recovery");
  });

  it("keeps answering through a short outage within maxAgeMs, turns CRAWL after it, recovers when the server is back", async () => {
    const { api, c, client } = await setup(WORLD, { maxAgeMs: 1000 });
    await client.ready();
    await until(() => api.openStreams() === 1, "stream");
    await api.stop();
    await until(() => !client.status().connected && client.status().lastError !== null, "disconnect");
    c.advance(500);
    expect(client.mode("ticket.tag")).toBe("act_external");
    c.advance(501);
    expect(client.mode("ticket.tag")).toBe("suggest");
    expect(client.status().state).toBe("stale");
    await api.restart();
    await until(() => client.status().state === "fresh" && client.status().connected, "recovery");
    expect(client.mode("ticket.tag")).toBe("act_external");
  });

  it("re-applies the ETag's state on 304 and stays fresh polling without a stream", async () => {
    const { api, c, client } = await setup(WORLD, { stream: false, maxAgeMs: 3000 });
    await client.ready();
    expect(api.streamRequests).toHaveLength(0);
    await until(() => api.tiersRequests.length >= 2, "a second poll");
    expect(api.tiersRequests[1]!["if-none-match"]).toMatch(/^"/);
    c.advance(2000);
    expect(client.mode("ticket.tag")).toBe("act_external");
  });

  it("treats a 200 without the right shape or a non-JSON answer as an error", async () => {
    const { api, client } = await setup(WORLD);
    api.tiersFailures.push({ status: 200, body: { tiers: "nope" } });
    await until(() => client.status().lastError !== null, "error");
    expect(client.mode("ticket.tag")).toBe("suggest");
    expect(client.status().lastError?.message).toMatch(/tiers is not a list/);
  });

  it("close() answers CRAWL and leaves no timers or sockets behind", async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const { api, client } = await setup(WORLD);
    await client.ready();
    await until(() => api.openStreams() === 1, "stream");
    client.report({ action: "ticket.tag", kind: "outcome.positive" });
    await client.close();
    expect(client.mode("ticket.tag")).toBe("suggest");
    expect(client.status().state).toBe("closed");
    expect(api.stored).toHaveLength(1); // close() sent the queued outcome
    await until(() => api.openStreams() === 0, "stream closed");
    await new Promise((r) => setTimeout(r, 20));
    const after = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    expect(after).toBeLessThanOrEqual(before);
  });

  it("report() defaults the tier to the one it answers now", async () => {
    const { api, client } = await setup(WORLD);
    await client.ready();
    const seen: string[] = [];
    const original = api.rejectEvent;
    api.rejectEvent = (e) => (seen.push((e as unknown as { tier: string }).tier), original(e));
    client.report({ action: "ticket.tag", kind: "outcome.positive" });
    client.report({ action: "ticket.reply", kind: "action.completed" });
    client.report({ action: "unknown.action", kind: "suggestion.accepted" });
    await client.reporter.flush();
    expect(seen).toEqual(["RUN", "WALK", "CRAWL"]);
  });
});

describe("local decisions mirror the server's rules", () => {
  it("agrees with lib/gating decide() on every tier, freeze and audience, and unknown actions", () => {
    for (const tier of TIERS) {
      for (const frozen of [false, true]) {
        for (const audience of AUDIENCES) {
          const v = toTierView(view("a.b", tier, { frozen }))!;
          expect(decideLocally(v, audience)).toEqual(decide(tier, frozen, audience));
        }
      }
    }
    for (const audience of AUDIENCES) expect(decideLocally(undefined, audience)).toEqual(decide(null, false, audience));
  });

  it("refuses an audience it does not know", () => {
    expect(decideLocally(toTierView(view("a.b", "RUN"))!, "everyone" as never).allowed).toBe(false);
  });

  it("validates tier views strictly and keeps only their fields", () => {
    expect(toTierView({ ...view("a.b", "RUN"), extra: 1 })).toEqual(view("a.b", "RUN"));
    expect(toTierView({ ...view("a.b", "RUN"), mode: "act_internal" })).toBeNull();
    expect(toTierView({ ...view("a.b", "run" as never) })).toBeNull();
    expect(toTierView({ ...view("a.b", "RUN"), frozen: "no" })).toBeNull();
    expect(toTierView(null)).toBeNull();
  });
});
