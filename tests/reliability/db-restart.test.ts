// A database restart while everything runs (issue 27, item 2): two production instances on one private
// PostgreSQL server, the SDK's reporter sending 1,000-event batches to A, an SDK client following the
// tier stream of B. PostgreSQL restarts (`pg_ctl restart -m fast`) mid-run, then goes away for 10 s.
// - no acknowledged event is lost;
// - during the outage a batch gets 503 with Retry-After (not 500), and the reporter delivers it afterwards;
// - the SDK answers from memory, and fails closed only once its data is older than maxAgeMs;
// - the streams reconnect: the SDK client hears a change made after the outage, and a raw stream
//   opened again with Last-Event-ID gets the change made while it was away;
// - a webhook pending across the outage is delivered, and every attempt carries the same webhook-id;
// - /api/ready answers 503 and comes back; a dashboard page is a clear "database unavailable" 503 page.
// It needs its own server, since it stops it (tests/helpers/pg-server.ts); skipped without PostgreSQL.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, createReporter, type CwrClient, type Reporter } from "@cwr/sdk";
import { createKey, signInCookie, startServer, type TestServer } from "../helpers/server";
import { privatePgAvailable, PRIVATE_PG_SKIP_REASON, startPrivatePg, type PrivatePg } from "../helpers/pg-server";
import { instanceEnv, openSse, readJson, sleep, type SseClient } from "../production/support";
import { receiver, type Receiver } from "../notifications/receiver";
import { openDatabase } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createWebhookEndpoint } from "@/lib/notifications/mutations";

const ACTION = "ticket.tag";
/** frozen and unfrozen during the test (its webhooks, its stream frames); ACTION keeps acting */
const FROZEN = "ticket.reply";
const BATCH = 1000;
const OUTAGE_MS = 10_000;
/** short enough that the 10 s outage outlasts it: the SDK must fail closed before the end */
const MAX_AGE_MS = 4_000;

const runs = privatePgAvailable();
if (!runs) console.log(`db-restart test skipped: ${PRIVATE_PG_SKIP_REASON}`);

/** Resolves once `check` holds; the bound is generous (a loaded 2-core machine), not a timing target. */
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms`);
    await sleep(100);
  }
}

describe.skipIf(!runs)("a database restart while everything runs", () => {
  let server: PrivatePg;
  let a: TestServer;
  let b: TestServer;
  let key: string;
  let cookie: string;
  let reporter: Reporter;
  let hook: Receiver;
  let stream: SseClient | null = null;
  let ofrep: SseClient | null = null;
  let client: CwrClient;
  const acknowledged = new Set<string>();
  /** What the reporter was refused with; the message carries the server's error, to say why if not 503. */
  const refusals: Array<{ status: number; retryAfterMs?: number; message: string }> = [];
  const run = randomBytes(4).toString("hex");
  let reported = 0;

  const reportBatch = () => {
    for (let i = 0; i < BATCH; i++)
      reporter.report({
        action: ACTION,
        kind: "suggestion.accepted",
        tier: "CRAWL",
        idempotencyKey: `${run}-${reported++}`,
      });
  };

  beforeAll(async () => {
    server = await startPrivatePg();
    // Webhooks to the local receiver, delivered every 500 ms and retried after 500 ms, 1 s, …
    const webhooks = { WEBHOOK_ALLOW_PRIVATE: "on", WEBHOOK_INTERVAL_MS: "500", WEBHOOK_RETRY_BASE_MS: "500" };
    const env = { ...instanceEnv(server.url), ...webhooks, ACCESS_LOG: "off" };
    a = await startServer(env); // migrates and seeds; B finds both done
    b = await startServer(env);
    key = await createKey(a.baseUrl, "support-bot", "faults test");
    cookie = await signInCookie(a.baseUrl, "admin@demo.local");
    hook = await receiver();
    await hook.up();
    process.env.WEBHOOK_ALLOW_PRIVATE = "on"; // this process checks the endpoint's address
    const database = await openDatabase({ target: { kind: "postgres", url: server.url } });
    try {
      await createWebhookEndpoint(database.prisma, SYSTEM_ACTOR, {
        name: "faults",
        url: hook.url,
        kinds: ["tier.frozen", "tier.unfrozen"],
        format: "standard",
      });
    } finally {
      await database.close();
    }
    reporter = createReporter({
      baseUrl: a.baseUrl,
      apiKey: key,
      maxBatch: BATCH,
      flushIntervalMs: 50,
      retry: { initialMs: 200, maxMs: 2_000 },
      onBatch: (summary) => {
        for (const r of summary.results) {
          expect(r.status, JSON.stringify(r)).not.toBe("rejected");
          if (r.idempotencyKey) acknowledged.add(r.idempotencyKey);
        }
      },
      onError: (e) => {
        const status = (e as { status?: number }).status;
        if (status !== undefined)
          refusals.push({
            status,
            retryAfterMs: (e as { retryAfterMs?: number }).retryAfterMs,
            message: String((e as Error).message),
          });
      },
    });
    client = createClient({ baseUrl: b.baseUrl, apiKey: key, maxAgeMs: MAX_AGE_MS, backoff: { maxMs: 1_000 } });
    expect(await client.ready(30_000)).toBe(true);
  }, 300_000);

  afterAll(async () => {
    stream?.close();
    ofrep?.close();
    await hook?.down();
    await client?.close();
    await reporter?.close({ timeoutMs: 0 });
    await Promise.all([a?.stop(), b?.stop()]);
    await server?.stop();
  });

  /** One query on a connection of its own (the server restarts under any connection kept open). */
  async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> {
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end();
    }
  }

  /** Every acknowledged event is stored, once. */
  async function expectNoneLost() {
    await until("the reporter's queue drains", async () => (await reporter.flush()).pending === 0);
    const keys = [...acknowledged];
    const rows = await query<{ n: string }>(
      `SELECT count(*) AS n FROM outcome_events WHERE "idempotencyKey" = ANY($1)`,
      [keys],
    );
    expect(Number(rows[0]!.n)).toBe(keys.length);
    expect(acknowledged.size).toBe(reported);
  }

  const ready = async (s: TestServer) => (await fetch(`${s.baseUrl}/api/ready`)).status;

  /** Freezes or unfreezes the action through A's admin API; returns the tier change's id. */
  async function setFrozen(frozen: boolean): Promise<string> {
    const [at] = await query<{ id: string; stateVersion: number }>(
      `SELECT t.id, t."stateVersion" FROM action_types t JOIN agents a ON a.id = t."agentId" WHERE a.slug = 'support-bot' AND t.key = $1`,
      [FROZEN],
    );
    const res = await fetch(`${a.baseUrl}/api/admin/action-types/${at!.id}/freeze`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ frozen, stateVersion: at!.stateVersion, rationale: `Fault test: frozen=${frozen}.` }),
    });
    const body = await readJson<{ tierChangeId: string }>(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body.tierChangeId;
  }

  const typeOf = (body: string) => (JSON.parse(body) as { type: string }).type;

  /** OFREP's bulk evaluation on an instance: the flags, and the event stream's URL (path on that instance). */
  async function bulk(s: TestServer) {
    const res = await fetch(`${s.baseUrl}/ofrep/v1/evaluate/flags`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: "{}",
    });
    const body = await readJson<{
      flags: Array<{ key: string; reason: string }>;
      eventStreams: Array<{ url: string }>;
    }>(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    const url = new URL(body.eventStreams[0]!.url);
    return {
      reason: (k: string) => body.flags.find((f) => f.key === k)?.reason,
      stream: `${s.baseUrl}${url.pathname}${url.search}`,
    };
  }
  const refetch = (f: { data: unknown }) => (f.data as { type?: string }).type === "refetchEvaluation";

  it("a fast restart mid-run loses no acknowledged event", async () => {
    reportBatch();
    reportBatch();
    await until("a first batch is acknowledged", () => acknowledged.size >= BATCH);
    await server.restart();
    reportBatch();
    reportBatch();
    await expectNoneLost();
    expect(await ready(a)).toBe(200);
    expect(await ready(b)).toBe(200);
    // The SDK's stream came back (its data fresh again), and every refusal it met said 503.
    await until("the SDK client is fresh after the restart", () => client.status().state === "fresh");
    expect(refusals.filter((r) => r.status !== 503)).toEqual([]);
  }, 90_000);

  it("a 10 s outage: 503 with Retry-After, ready 503, a clear dashboard page, the SDK from memory; then all back", async () => {
    // An OpenFeature provider's OFREP event stream on A.
    ofrep = await openSse((await bulk(a)).stream, {});
    await ofrep.next(refetch);

    // A raw stream on B, and a webhook left pending: the receiver refuses the freeze's first delivery.
    stream = await openSse(`${b.baseUrl}/api/v1/tiers/stream`, { authorization: `Bearer ${key}` });
    await stream.next((f) => f.event === "snapshot");
    hook.status = 503;
    const frozenId = await setFrozen(true);
    const lastSeen = await stream.next((f) => f.event === "tier_change" && f.id === frozenId, 20_000);
    await until("the freeze's webhook is attempted", () => hook.received.some((r) => typeOf(r.body) === "tier.frozen"));

    await until("the client is fresh", () => client.status().state === "fresh");
    const before = client.mode(ACTION);
    expect(before, "the seeded action acts (so failing closed is seen)").not.toBe("suggest");
    const closedEarly: number[] = [];
    const watch = setInterval(() => {
      const status = client.status();
      const mode = client.mode(ACTION);
      if (mode !== before && mode !== "suggest") closedEarly.push(-1);
      else if (mode === "suggest" && mode !== before && status.ageMs < MAX_AGE_MS) closedEarly.push(status.ageMs);
    }, 20);

    await server.down();
    const downAt = Date.now();
    try {
      // Answered from memory, at once.
      expect(client.mode(ACTION)).toBe(before);

      // A batch: 503 with Retry-After, the one error body (not a 500).
      const res = await fetch(`${a.baseUrl}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({
          events: [
            {
              action: ACTION,
              kind: "suggestion.accepted",
              tier: "CRAWL",
              idempotencyKey: `${run}-raw`,
              occurredAt: new Date().toISOString(),
            },
          ],
        }),
      });
      const body = await readJson<{ error: { code: string; message: string } }>(res);
      expect(res.status, JSON.stringify(body)).toBe(503);
      expect(body.error.code).toBe("unavailable");
      expect(body.error.message).toMatch(/database/i);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);

      // Readiness says so on both instances.
      expect(await ready(a)).toBe(503);
      expect(await ready(b)).toBe(503);

      // The dashboard: a page that says the database is unavailable, without internals.
      const page = await fetch(`${b.baseUrl}/`, { headers: { cookie } });
      const html = await page.text();
      expect(page.status).toBe(503);
      expect(html).toMatch(/database is unavailable/i);
      expect(html).not.toMatch(/\n\s+at \S+ \(|ECONNREFUSED|PrismaClient|DriverAdapterError/);

      // Events reported during the outage wait in the reporter, refused with 503 and Retry-After.
      reportBatch();
      await until("the reporter is refused", () => refusals.length > 0, 20_000);
      for (const r of refusals) {
        expect(r.status, r.message).toBe(503);
        expect(r.retryAfterMs).toBeGreaterThan(0);
      }

      // The SDK fails closed once its data is older than maxAgeMs (the outage outlasts it), not before.
      await until("the SDK fails closed", () => client.mode(ACTION) === "suggest", OUTAGE_MS);
      expect(closedEarly).toEqual([]);
    } finally {
      clearInterval(watch);
      await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
      await server.up();
    }

    // Everything comes back.
    await until("A is ready", async () => (await ready(a)) === 200);
    await until("B is ready", async () => (await ready(b)) === 200);
    await expectNoneLost();
    await until("the client is fresh again", () => client.status().state === "fresh");
    expect(client.mode(ACTION)).toBe(before);

    // The receiver takes deliveries again: the pending one arrives, with the webhook-id of its first attempt.
    const acceptedFrom = hook.received.length;
    hook.status = 200;
    await until("the pending webhook is delivered", () =>
      hook.received.slice(acceptedFrom).some((r) => typeOf(r.body) === "tier.frozen"),
    );

    // The streams: the raw one is lost (closed here) while a change is made; opened again with
    // Last-Event-ID it gets that change. The SDK client, on its own reconnected stream, hears it too.
    stream.close();
    const changed = new Promise<boolean>((resolve) =>
      client.onChange((c) => c.action === FROZEN && resolve(c.current?.frozen ?? true)),
    );
    const ofrepSeen = ofrep.frames.length;
    const unfrozenId = await setFrozen(false);
    stream = await openSse(`${b.baseUrl}/api/v1/tiers/stream`, {
      authorization: `Bearer ${key}`,
      "last-event-id": lastSeen.id!,
    });
    const resumed = await stream.next((f) => f.event === "tier_change" && f.id === unfrozenId, 20_000);
    expect((resumed.data as { frozen: boolean }).frozen).toBe(false);
    expect(await changed).toBe(false);

    // The OFREP stream (opened again if the outage ended it, as a provider does) announces the change,
    // and the re-fetch answers the unfrozen configuration.
    const stillOpen = await Promise.race([ofrep.ended.then(() => false), sleep(0).then(() => true)]);
    if (stillOpen) await ofrep.next((f) => refetch(f) && ofrep!.frames.indexOf(f) >= ofrepSeen, 20_000);
    else {
      ofrep = await openSse((await bulk(a)).stream, {});
      await ofrep.next(refetch);
    }
    expect((await bulk(b)).reason(FROZEN)).not.toBe("DISABLED");

    // Every delivery of the freeze carried one webhook-id, and it was accepted once.
    await until("the unfreeze's webhook is delivered", () =>
      hook.received.some((r) => typeOf(r.body) === "tier.unfrozen"),
    );
    const frozenDeliveries = hook.received.filter((r) => typeOf(r.body) === "tier.frozen");
    expect(new Set(frozenDeliveries.map((r) => r.id)).size).toBe(1);
    expect(hook.received.slice(acceptedFrom).filter((r) => typeOf(r.body) === "tier.frozen")).toHaveLength(1);
    expect(new Set(hook.received.filter((r) => typeOf(r.body) === "tier.unfrozen").map((r) => r.id)).size).toBe(1);
  }, 90_000);
});
