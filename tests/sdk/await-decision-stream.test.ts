// The SDK's awaitDecision rides the tier stream (issue 22 item 3): while the stream is connected it
// holds no long poll open and answers when the stream says `proposal_decided`; without the stream it
// long polls as before. The SDK talks over HTTP to the real front and route handlers.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../helpers/db";
import { makeActionType, makeAgent, makeUser } from "../helpers/fixtures";
import type { UserPrincipal } from "@/lib/auth/actor";
import { createApiKey } from "@/lib/keys/mutations";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createProposal, decideSuggestion } from "@/lib/proposals/mutations";
import { startTierListener, stopTierListener } from "@/lib/db/notify";
import { createClient } from "@cwr/sdk";
import { serveAgentRead } from "@/lib/http/front";
import { GET as getProposal } from "@/app/api/v1/proposals/[id]/route";

let database: TestDatabase;
let agent: { id: string; slug: string };
let action: string;
let admin: UserPrincipal;
let secret: string;
let n = 0;

beforeAll(async () => {
  database = await testDatabase();
  (globalThis as { __cwrDatabase?: Promise<unknown> }).__cwrDatabase = Promise.resolve(database);
  await startTierListener(database);
  const db = database.prisma;
  agent = await makeAgent(db);
  action = (await makeActionType(db, agent.id)).key;
  admin = await makeUser(db, "admin");
  secret = (await createApiKey(db, SYSTEM_ACTOR, { agentId: agent.id, name: "bot" })).secret;
}, 60_000);
afterAll(async () => {
  await stopTierListener();
  await database?.close();
});

/**
 * The agent's routes on a node:http server: the front (tiers and the tier stream) and the real route
 * handler of proposal reads. Records the `wait` of every proposal read.
 */
async function serve() {
  const waits: number[] = [];
  const server = createServer((req, res) => {
    if (serveAgentRead(req, res)) return;
    void (async () => {
      const url = new URL(req.url ?? "/", "http://in-process");
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      const request = new Request(url, { headers, signal: abort.signal });
      const m = /^\/api\/v1\/proposals\/([^/]+)$/.exec(url.pathname);
      if (m) waits.push(Number(url.searchParams.get("wait") ?? 0));
      const answer = m
        ? await getProposal(request, { params: Promise.resolve({ id: m[1]! }) })
        : new Response("{}", { status: 404 });
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      if (!answer.body) return void res.end();
      const reader = answer.body.getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          res.write(value);
        }
      } catch {
        /* the client went away */
      }
      res.end();
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseUrl, waits, close: () => (server.closeAllConnections(), server.close()) };
}

async function pending() {
  const { proposal } = await createProposal(database.prisma, agent, {
    idempotencyKey: `sdk-stream-${++n}`,
    action,
    audience: "external",
    subject: "customer:42",
    summary: "Refund order A-1001 (damaged parcel)",
    parameters: { order: "A-1001", amount: 12.5 },
  });
  return proposal.id;
}

describe("awaitDecision", () => {
  it("with the stream connected, holds no long poll and answers on proposal_decided", async () => {
    const api = await serve();
    const client = createClient({ baseUrl: api.baseUrl, apiKey: secret });
    try {
      const connected = Date.now() + 10_000;
      while (!client.status().connected && Date.now() < connected) await new Promise((r) => setTimeout(r, 50));
      expect(client.status().connected, JSON.stringify(client.status())).toBe(true);
      const id = await pending();
      const waiting = client.awaitDecision(id, { timeoutMs: 60_000 });
      await new Promise((r) => setTimeout(r, 300));
      await decideSuggestion(database.prisma, admin, id, { type: "accept" });
      const started = Date.now();
      const answer = await waiting;
      expect(answer.status).toBe("accepted");
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(api.waits.filter((w) => w > 0)).toEqual([]);
    } finally {
      await client.close();
      api.close();
    }
  });

  it("without the stream, long polls", async () => {
    const api = await serve();
    const client = createClient({
      baseUrl: api.baseUrl,
      apiKey: secret,
      stream: false,
      lazy: true,
    });
    try {
      const id = await pending();
      const waiting = client.awaitDecision(id, { timeoutMs: 60_000 });
      await new Promise((r) => setTimeout(r, 300));
      await decideSuggestion(database.prisma, admin, id, {
        type: "reject",
        reason: "The order was already refunded by the payments team.",
      });
      expect((await waiting).status).toBe("rejected");
      expect(api.waits.some((w) => w > 0)).toBe(true);
    } finally {
      await client.close();
      api.close();
    }
  });
});
