// The tier stream tells the agent when one of its proposals is decided (issue 22 item 3): a
// `proposal_decided` event, NOTIFYed in the decision's transaction, reaches the agent's open stream
// (served by the real front, lib/http/front.ts, on a node:http server) and no other agent's.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../helpers/db";
import { makeActionType, makeAgent, makeUser } from "../helpers/fixtures";
import type { UserPrincipal } from "@/lib/auth/actor";
import { createApiKey } from "@/lib/keys/mutations";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createProposal, decideSuggestion } from "@/lib/proposals/mutations";
import { startTierListener, stopTierListener } from "@/lib/db/notify";
import { serveAgentRead } from "@/lib/http/front";

let database: TestDatabase;
let agent: { id: string; slug: string };
let other: { id: string; slug: string };
let action: string;
let admin: UserPrincipal;
let front: Server;
let base: string;

beforeAll(async () => {
  database = await testDatabase();
  (globalThis as { __cwrDatabase?: Promise<unknown> }).__cwrDatabase = Promise.resolve(database);
  await startTierListener(database);
  const db = database.prisma;
  agent = await makeAgent(db);
  other = await makeAgent(db);
  action = (await makeActionType(db, agent.id)).key;
  admin = await makeUser(db, "admin");
  front = createServer((req, res) => {
    if (!serveAgentRead(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  front?.closeAllConnections();
  front?.close();
  await stopTierListener();
  await database?.close();
});

/** Opens the tier stream with `secret` and collects its text until `until` holds or the time is up. */
async function streamOf(secret: string) {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/v1/tiers/stream`, {
    headers: { authorization: `Bearer ${secret}`, accept: "text/event-stream" },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const read = async (until: (t: string) => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!until(text) && Date.now() < deadline) {
      const next = await Promise.race([
        reader.read(),
        new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now()))),
      ]);
      if (!next || next.done) break;
      text += decoder.decode(next.value, { stream: true });
    }
    return text;
  };
  return { read, close: () => abort.abort() };
}

describe("proposal_decided on the tier stream", () => {
  it("reaches the agent's stream when a person decides, and not another agent's", async () => {
    const db = database.prisma;
    const mine = await streamOf((await createApiKey(db, SYSTEM_ACTOR, { agentId: agent.id, name: "bot" })).secret);
    const theirs = await streamOf((await createApiKey(db, SYSTEM_ACTOR, { agentId: other.id, name: "bot" })).secret);
    try {
      await mine.read((t) => t.includes("event: snapshot"), 20_000);
      await theirs.read((t) => t.includes("event: snapshot"), 20_000);
      const { proposal } = await createProposal(db, agent, {
        idempotencyKey: "stream-1",
        action,
        audience: "external",
        subject: "customer:42",
        summary: "Refund order A-1001 (damaged parcel)",
        parameters: { order: "A-1001", amount: 12.5 },
      });
      await decideSuggestion(db, admin, proposal.id, { type: "accept" });
      const text = await mine.read((t) => t.includes("event: proposal_decided"), 20_000);
      const frame = text.split("\n\n").find((b) => b.includes("event: proposal_decided"));
      expect(frame, text).toBeDefined();
      const data = JSON.parse(
        frame!
          .split("\n")
          .find((l) => l.startsWith("data: "))!
          .slice(6),
      );
      expect(data).toMatchObject({ id: proposal.id, status: "accepted", action });
      expect(await theirs.read(() => false, 500)).not.toContain("proposal_decided");
    } finally {
      mine.close();
      theirs.close();
    }
  });
});
