// OFREP ADR-0008: after a `refetchEvaluation` notice, a provider re-fetches the bulk evaluation with
// the notice's ETag as `flagConfigEtag`, and a load balancer may send that re-fetch to another
// instance. Two instances on one PostgreSQL: B read the agent's flags just before a freeze made
// through A, and B's LISTEN connection lags (a proxy holds its notices back), so B's tier cache still
// holds the older configuration. Asked with the ETag A announced, B must not answer with it.
// Needs TEST_DATABASE_URL (npm test starts a private server); skipped without.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, signInCookie, startServer, type TestServer } from "../helpers/server";
import {
  instanceEnv,
  listenerDelayProxy,
  openSse,
  PG_URL,
  readJson,
  scratchDatabase,
  type ListenerDelayProxy,
  type ScratchDatabase,
  type SseClient,
} from "./support";

interface Flag {
  key: string;
  value: string;
  reason: string;
}
interface Bulk {
  flags: Flag[];
  eventStreams: Array<{ type: string; url: string }>;
}

describe.skipIf(!PG_URL)("OFREP flagConfigEtag across two instances", () => {
  let db: ScratchDatabase;
  let proxy: ListenerDelayProxy;
  let a: TestServer;
  let b: TestServer;
  let key: string;
  let stream: SseClient;

  beforeAll(async () => {
    db = await scratchDatabase();
    const env = instanceEnv(db.url);
    a = await startServer(env);
    proxy = await listenerDelayProxy(db.url);
    // B keeps what it read for 30 s unless a notice (or a fresher read) replaces it.
    b = await startServer({ ...env, DATABASE_URL: proxy.url, TIER_CACHE_MS: "30000" });
    key = await createKey(a.baseUrl, "support-bot", "flagConfigEtag test");
  }, 300_000);

  afterAll(async () => {
    stream?.close();
    proxy?.hear();
    await Promise.all([a?.stop(), b?.stop()]);
    await proxy?.close();
    await db?.drop();
  });

  async function bulk(s: TestServer, flagConfigEtag?: string) {
    const query = flagConfigEtag === undefined ? "" : `?flagConfigEtag=${encodeURIComponent(flagConfigEtag)}`;
    const res = await fetch(`${s.baseUrl}/ofrep/v1/evaluate/flags${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: "{}",
    });
    const body = await readJson<Bulk>(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    return { body, etag: res.headers.get("etag")!, flag: (k: string) => body.flags.find((f) => f.key === k)! };
  }

  it("never answers a re-fetch carrying a newer announced ETag with the older configuration", async () => {
    const [at] = await db.query<{ id: string; stateVersion: number; frozen: boolean }>(
      `SELECT t.id, t."stateVersion", t.frozen FROM action_types t JOIN agents a ON a.id = t."agentId" WHERE a.slug = 'support-bot' AND t.key = 'ticket.tag'`,
    );
    expect(at?.frozen).toBe(false);

    // A provider on A: the bulk answer and A's event stream (the stream URL's path, on A).
    const first = await bulk(a);
    const streamUrl = new URL(first.body.eventStreams[0]!.url);
    stream = await openSse(`${a.baseUrl}${streamUrl.pathname}${streamUrl.search}`, {});
    const opened = await stream.next((f) => (f.data as { type?: string }).type === "refetchEvaluation");
    const before = (opened.data as { etag: string }).etag;
    expect(before).toBe(first.etag);

    // B reads the flags just before the change, then stops hearing notices.
    expect((await bulk(b)).flag("ticket.tag").reason).not.toBe("DISABLED");
    proxy.deafen();

    const cookie = await signInCookie(a.baseUrl, "admin@demo.local");
    const res = await fetch(`${a.baseUrl}/api/admin/action-types/${at!.id}/freeze`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({
        frozen: true,
        stateVersion: at!.stateVersion,
        rationale: "flagConfigEtag test: freeze through instance A.",
      }),
    });
    expect(res.status, await res.text()).toBe(200);

    // A announces the new configuration's ETag; the provider re-fetches with it and lands on B.
    const notice = await stream.next(
      (f) =>
        (f.data as { type?: string; etag?: string }).type === "refetchEvaluation" &&
        (f.data as { etag: string }).etag !== before,
    );
    const announced = (notice.data as { etag: string }).etag;
    const onA = await bulk(a, announced);
    expect(onA.flag("ticket.tag").reason).toBe("DISABLED");

    const onB = await bulk(b, announced);
    expect(onB.flag("ticket.tag"), "B answered the configuration older than the ETag it was asked for").toEqual(
      onA.flag("ticket.tag"),
    );
    expect(onB.body.flags).toEqual(onA.body.flags);

    // B now holds the newer configuration: a re-fetch naming the older ETag does not take it back.
    expect((await bulk(b, before)).flag("ticket.tag").reason).toBe("DISABLED");
    proxy.hear();
  }, 60_000);
});
