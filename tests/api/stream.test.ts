// GET /api/v1/tiers/stream: a snapshot first, every tier change within a second of the request that
// caused it, resume with Last-Event-ID (missed changes replayed), heartbeats (SPEC §4, §6).
import { randomUUID } from "node:crypto";
import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";

const HEARTBEAT_MS = 500;
let server: TestServer;
let support: string;
let infra: string;

interface SseEvent {
  id?: string;
  event: string;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  at: number;
}

/** A minimal EventSource over fetch that records events, comments and the retry field as they arrive. */
class Stream {
  events: SseEvent[] = [];
  comments: Array<{ text: string; at: number }> = [];
  retry?: number;
  status = 0;
  headers = new Headers();
  private ctrl = new AbortController();
  private waiters: Array<() => void> = [];
  private done = false;

  static async open(key: string, lastEventId?: string): Promise<Stream> {
    const s = new Stream();
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: "text/event-stream" };
    if (lastEventId) headers["last-event-id"] = lastEventId;
    const res = await fetch(`${server.baseUrl}/api/v1/tiers/stream`, { headers, signal: s.ctrl.signal });
    s.status = res.status;
    s.headers = res.headers;
    void s.pump(res.body!);
    opened.push(s);
    return s;
  }

  private async pump(body: ReadableStream<Uint8Array>) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          this.block(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      /* aborted */
    }
    this.done = true;
    this.wake();
  }

  private block(block: string) {
    const at = Date.now();
    let id: string | undefined;
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) this.comments.push({ text: line.slice(1).trim(), at });
      else {
        const i = line.indexOf(":");
        const field = i < 0 ? line : line.slice(0, i);
        const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
        if (field === "id") id = value;
        else if (field === "event") event = value;
        else if (field === "data") data.push(value);
        else if (field === "retry") this.retry = Number(value);
      }
    }
    if (data.length) this.events.push({ id, event, data: JSON.parse(data.join("\n")), at });
    this.wake();
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Resolves with the first recorded event (from `from` on) that matches, or rejects after the timeout: a
   * bound that only detects a frame that never comes, generous because CI runners are loaded.
   */
  async waitFor(match: (e: SseEvent) => boolean, timeoutMs = 20_000, from = 0): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.slice(from).find(match);
      if (hit) return hit;
      if (this.done) throw new Error(`stream ended; events: ${JSON.stringify(this.events.map((e) => e.event))}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out; events: ${JSON.stringify(this.events.map((e) => [e.event, e.data?.action]))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async quiet(ms: number) {
    await new Promise((r) => setTimeout(r, ms));
  }

  close() {
    this.ctrl.abort();
  }
}
const opened: Stream[] = [];
let supportChangeId = "";

const isChange = (action: string) => (e: SseEvent) => e.event === "tier_change" && e.data.action === action;

async function criticalIncidents(key: string, actions: Array<[string, string]>): Promise<number> {
  const res = await fetch(`${server.baseUrl}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      events: actions.map(([action, tier]) => ({
        idempotencyKey: `inc-${randomUUID()}`,
        action,
        kind: "incident",
        severity: "critical",
        tier,
        occurredAt: new Date().toISOString(),
      })),
    }),
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { accepted: number }).accepted).toBe(actions.length);
  return Date.now();
}

async function tiers(key: string) {
  const res = await fetch(`${server.baseUrl}/api/v1/tiers`, { headers: { authorization: `Bearer ${key}` } });
  return ((await res.json()) as { tiers: Array<{ action: string; tier: string }> }).tiers;
}

beforeAll(async () => {
  server = await startServer({ SSE_HEARTBEAT_MS: String(HEARTBEAT_MS), JOBS: "off" });
  [support, infra] = await Promise.all([
    createKey(server.baseUrl, "support-bot"),
    createKey(server.baseUrl, "infra-bot"),
  ]);
}, 180_000);
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});
afterAll(async () => server?.stop());

describe("the tier stream", () => {
  it("opens as an event stream whose first event is a snapshot of the agent's tiers", async () => {
    const s = await Stream.open(support);
    expect(s.status).toBe(200);
    expect(s.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(s.headers.get("cache-control")).toMatch(/no-cache/);
    const snap = await s.waitFor(() => true);
    expect(snap.event).toBe("snapshot");
    expect(s.retry).toBeGreaterThan(0);
    expect(snap.data.tiers).toEqual(await tiers(support));
    expect(snap.data.tiers.find((t: { action: string }) => t.action === "ticket.tag")).toMatchObject({
      tier: "RUN",
      mode: "act_external",
    });
  });

  it("a tier change caused by an event POST arrives on every stream of that agent only (its latency is a benchmark row: npm run bench, stream)", async () => {
    const a = await Stream.open(support);
    const b = await Stream.open(support);
    const other = await Stream.open(infra);
    await Promise.all([a, b, other].map((s) => s.waitFor((e) => e.event === "snapshot")));

    const sent = Date.now();
    const answered = await criticalIncidents(support, [["ticket.tag", "RUN"]]);
    const [ea, eb] = await Promise.all([a.waitFor(isChange("ticket.tag")), b.waitFor(isChange("ticket.tag"))]);
    for (const e of [ea, eb]) {
      // The change is new, not an earlier frame: it arrived after the POST was sent. How fast is measured
      // in the benchmark, never asserted here (a loaded CI runner makes any bound a guess).
      expect(e.at, `arrived ${e.at - answered} ms after the POST was answered`).toBeGreaterThanOrEqual(sent);
      expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.data).toMatchObject({
        action: "ticket.tag",
        tier: "CRAWL",
        mode: "suggest",
        frozen: false,
        cause: "automatic_demotion",
      });
      expect(Date.parse(e.data.changedAt)).toBeGreaterThan(sent - 60_000);
    }
    expect(ea.id).toBe(eb.id);
    supportChangeId = ea.id!;
    await other.quiet(300);
    expect(other.events.filter((e) => e.event === "tier_change")).toEqual([]);
    // the stream agrees with a fresh read
    expect((await tiers(support)).find((t) => t.action === "ticket.tag")?.tier).toBe("CRAWL");
  });

  it("Last-Event-ID resumes: changes made while disconnected are replayed without a new snapshot", async () => {
    const first = await Stream.open(support);
    await first.waitFor((e) => e.event === "snapshot");
    await criticalIncidents(support, [["ticket.reply", "WALK"]]);
    const seen = await first.waitFor(isChange("ticket.reply"));
    first.close();

    // missed while away
    await criticalIncidents(support, [["ticket.escalate", "WALK"]]);

    const resumed = await Stream.open(support, seen.id);
    const replayed = await resumed.waitFor(isChange("ticket.escalate"));
    expect(replayed.data).toMatchObject({ tier: "CRAWL", cause: "automatic_demotion" });
    expect(replayed.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(replayed.id).not.toBe(seen.id);
    await resumed.quiet(300);
    expect(resumed.events.map((e) => e.event)).not.toContain("snapshot");
    expect(resumed.events.filter(isChange("ticket.reply"))).toEqual([]); // already seen: not sent again

    // resuming from the newest id replays nothing and sends no snapshot: the client is current
    const current = await Stream.open(support, replayed.id);
    await current.quiet(700);
    expect(current.events).toEqual([]);
    expect(current.comments.length).toBeGreaterThan(0); // but it is alive
  });

  it("Last-Event-ID resumes after a change that committed in the same transaction (same timestamp) as a sibling", async () => {
    const s = await Stream.open(infra);
    await s.waitFor((e) => e.event === "snapshot");
    // one batch demotes two action types in one transaction: their tier changes share a timestamp
    await criticalIncidents(infra, [
      ["deploy.rollback", "WALK"],
      ["scale.adjust", "RUN"],
    ]);
    const one = await s.waitFor(isChange("deploy.rollback"));
    const two = await s.waitFor(isChange("scale.adjust"));
    s.close();
    const [firstSeen, missed] =
      one.at <= two.at && s.events.indexOf(one) < s.events.indexOf(two) ? [one, two] : [two, one];

    // a client that saw only the first of the two must get the second on resume
    const resumed = await Stream.open(infra, firstSeen.id);
    const replay = await resumed.waitFor(isChange(missed.data.action));
    expect(replay.id).toBe(missed.id);
  });

  it("an unknown or malformed Last-Event-ID falls back to a fresh snapshot", async () => {
    for (const id of [randomUUID(), "not-an-id", "'; DROP TABLE tier_changes; --", "0".repeat(36), "x".repeat(5000)]) {
      const s = await Stream.open(support, id);
      expect(s.status).toBe(200);
      expect((await s.waitFor(() => true)).event).toBe("snapshot");
      s.close();
    }
  });

  it("another agent's change id as Last-Event-ID replays nothing of that agent: a snapshot of the caller's own", async () => {
    expect(supportChangeId).toMatch(/^[0-9a-f-]{36}$/);
    const s = await Stream.open(infra, supportChangeId);
    const first = await s.waitFor(() => true);
    expect(first.event).toBe("snapshot");
    expect(JSON.stringify(first.data)).not.toContain("ticket.");
    await s.quiet(300);
    expect(s.events.filter((e) => e.event === "tier_change")).toEqual([]);
  });

  it("sends heartbeats (SSE comments) every SSE_HEARTBEAT_MS", async () => {
    const s = await Stream.open(support);
    await s.waitFor((e) => e.event === "snapshot");
    const start = Date.now();
    await s.quiet(HEARTBEAT_MS * 3 + 300);
    const beats = s.comments.filter((c) => c.at >= start);
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats[0]!.text).toMatch(/^ping/);
  });

  it("HEAD on either event stream answers its headers and ends: the connection serves the next request", async () => {
    // One kept-alive socket: a HEAD answer that never ended would hold it, and the GET after would hang.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const request = (method: string, path: string) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = http.request(`${server.baseUrl}${path}`, {
          method,
          agent,
          headers: { authorization: `Bearer ${support}` },
        });
        req.setTimeout(5_000, () => req.destroy(new Error(`${method} ${path} did not end`)));
        req.on("response", (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), body }));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      const bulk = await fetch(`${server.baseUrl}/ofrep/v1/evaluate/flags`, {
        method: "POST",
        headers: { authorization: `Bearer ${support}`, "content-type": "application/json" },
        body: JSON.stringify({ context: { targetingKey: "u1" } }),
      });
      const ofrepStream = new URL(
        ((await bulk.json()) as { eventStreams: Array<{ url: string }> }).eventStreams[0]!.url,
      );
      for (const path of ["/api/v1/tiers/stream", ofrepStream.pathname + ofrepStream.search]) {
        const head = await request("HEAD", path);
        expect(head, path).toMatchObject({ status: 200, body: "" });
        expect(head.type, path).toMatch(/^text\/event-stream/);
        const next = await request("GET", "/api/v1/tiers");
        expect(next.status).toBe(200);
        expect(JSON.parse(next.body).tiers.length).toBeGreaterThan(0);
      }
    } finally {
      agent.destroy();
    }
  });
});
