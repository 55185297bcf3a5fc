// The SDK against the real server: tiers loaded and answered locally as the server answers them, a
// tier change arriving through the stream, failing closed when the server goes away, recovering when
// it comes back, and outcome reports retried through the outage without double counting.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, createReporter, type CwrClient, type TierChange } from "@cwr/sdk";
import type { Audience, TierView } from "@cwr/sdk/types";
import { createKey, kill, startServer, type TestServer } from "../helpers/server";

const MAX_AGE_MS = 3000;
let server: TestServer;
let key: string;
const clients: CwrClient[] = [];

beforeAll(async () => {
  server = await startServer({ SSE_HEARTBEAT_MS: "500" });
  key = await createKey(server.baseUrl, "support-bot");
}, 180_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close({ timeoutMs: 100 })));
  await server?.stop();
});

function client() {
  const c = createClient({
    baseUrl: server.baseUrl,
    apiKey: key,
    maxAgeMs: MAX_AGE_MS,
    backoff: { initialMs: 100, maxMs: 1000 },
    reporter: { flushIntervalMs: 50 },
  });
  clients.push(c);
  return c;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${server.logs().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });

describe("the SDK against the real server", () => {
  it("loads the agent's tiers and answers mode() and decide() exactly as the server does", async () => {
    const c = client();
    expect(await c.ready(10_000)).toBe(true);
    expect(c.agent).toBe("support-bot");
    const { tiers } = (await (await api("/api/v1/tiers")).json()) as { tiers: TierView[] };
    expect(tiers.length).toBeGreaterThan(0);
    expect(new Set(tiers.map((t) => t.tier)).size).toBeGreaterThan(1); // the seeded world has several tiers
    for (const t of tiers) {
      expect(c.mode(t.action)).toBe(t.mode);
      expect(c.get(t.action)).toEqual(t);
    }
    for (const k of ["constructor", "__proto__", "toString"]) expect(c.mode(k)).toBe("suggest");
    for (const action of [...tiers.map((t) => t.action), "constructor", "hasownproperty", "no.such-action"]) {
      for (const audience of ["internal", "external"] as Audience[]) {
        const res = await api("/api/v1/decisions", { method: "POST", body: JSON.stringify({ action, audience }) });
        expect(res.status).toBe(200);
        expect(c.decide(action, audience)).toEqual(await res.json());
      }
    }
  });

  it("learns of a demotion through the stream (an incident reported with the SDK)", async () => {
    const c = client();
    await c.ready(10_000);
    await until(() => c.status().connected, 10_000, "the stream");
    expect(c.mode("ticket.tag")).toBe("act_external");
    const changes: TierChange[] = [];
    c.onChange((ch) => changes.push(ch));
    const changed = new Promise<number>((resolve) =>
      c.onChange((ch) => ch.action === "ticket.tag" && resolve(Date.now())),
    );

    // ticket.tag is RUN in the seeded demo; a critical incident demotes it straight to CRAWL.
    c.report({ action: "ticket.tag", kind: "incident", severity: "critical", subjectRef: "sdk-test" });
    expect(c.reporter.stats()).toMatchObject({ pending: 1 });
    const flushed = Date.now();
    await c.reporter.flush();
    const committed = Date.now();
    expect(c.reporter.stats()).toMatchObject({ accepted: 1, rejected: 0, pending: 0 });

    const at = await Promise.race([
      changed,
      // A bound that detects a change that never comes; its latency is a benchmark row (npm run bench, stream).
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error("no tier change")), 20_000)),
    ]);
    console.log(
      `tier change reached the SDK ${at - flushed} ms after the incident was sent (the ingest answered after ${committed - flushed} ms)`,
    );
    expect(at).toBeGreaterThanOrEqual(flushed);
    expect(c.mode("ticket.tag")).toBe("suggest");
    expect(changes).toEqual([
      expect.objectContaining({
        action: "ticket.tag",
        source: "stream",
        cause: "automatic_demotion",
        previous: expect.objectContaining({ tier: "RUN" }),
        current: expect.objectContaining({ tier: "CRAWL", mode: "suggest" }),
      }),
    ]);
    expect(c.status().lastEventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers CRAWL once the server has been gone for maxAgeMs, recovers when it is back, and reports through the outage exactly once", async () => {
    const c = client();
    await c.ready(10_000);
    await until(() => c.status().connected, 10_000, "the stream");
    expect(c.mode("ticket.reply")).toBe("act_internal");

    const rejected: unknown[] = [];
    const reporter = createReporter({
      baseUrl: server.baseUrl,
      apiKey: key,
      retry: { initialMs: 100, maxMs: 1000 },
      onRejected: (r) => rejected.push(...r),
    });
    const run = Date.now().toString(36);
    const events = Array.from({ length: 50 }, (_, i) => ({
      idempotencyKey: `sdk-outage-${run}-${i}`,
      action: "ticket.reply",
      kind: "action.completed" as const,
      tier: "WALK" as const,
      occurredAt: new Date(Date.now() - 1000 + i).toISOString(),
      agentVersion: "2026.10",
    }));

    // A crash: SIGKILL. (On SIGTERM `next start` waits for open SSE streams to end, so the server
    // would keep heartbeating until the harness falls back to SIGKILL 10 s later.)
    await kill(server.process, "SIGKILL");
    const killedAt = Date.now();
    await until(() => !c.status().connected, 10_000, "the stream to drop");
    // While the server is away the data ages; within maxAgeMs of the last heartbeat it is still used…
    for (const e of events) reporter.report(e);
    expect((await reporter.flush()).pending).toBe(50);
    expect(reporter.stats().retries).toBeGreaterThanOrEqual(1);

    // …and once older than maxAgeMs every answer is CRAWL.
    await until(() => c.mode("ticket.reply") === "suggest", MAX_AGE_MS + 2000, "CRAWL after maxAgeMs");
    const crawlAfter = Date.now() - killedAt;
    console.log(`SDK answered CRAWL ${crawlAfter} ms after the server was killed (maxAgeMs ${MAX_AGE_MS})`);
    expect(crawlAfter).toBeLessThanOrEqual(MAX_AGE_MS + 1500);
    expect(c.status()).toMatchObject({ state: "stale", connected: false });
    expect(c.status().lastError).not.toBeNull();
    expect(c.decide("ticket.reply", "internal")).toMatchObject({ allowed: false, tier: "CRAWL", mode: "suggest" });

    await server.restart();
    await until(() => c.status().state === "fresh" && c.status().connected, 15_000, "the SDK to recover");
    expect(c.mode("ticket.reply")).toBe("act_internal");
    expect(c.mode("ticket.tag")).toBe("suggest"); // still demoted: the change survived the restart

    await until(() => reporter.pending === 0, 15_000, "the reporter to deliver after the restart");
    expect(reporter.stats()).toMatchObject({ accepted: 50, duplicates: 0, rejected: 0 });
    expect(rejected).toEqual([]);
    await reporter.close();

    // Every event is stored once: the same keys again are all duplicates.
    const res = await api("/api/v1/events", { method: "POST", body: JSON.stringify({ events }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 0, duplicates: 50, rejected: 0 });
  });
});
