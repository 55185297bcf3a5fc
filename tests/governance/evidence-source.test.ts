// Evidence by source against the real database (issue 22 item 4, SPEC §8): reporter keys, the stored
// source of every event, attested tiers in the live fold and in the replay, and the refusals a
// reporter key meets on the agent's read routes (served by the real node:http front and Next route).
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestEvents } from "@/lib/events/mutations";
import { createApiKey } from "@/lib/keys/mutations";
import { serveAgentRead } from "@/lib/http/front";
import { POST as postEvents } from "@/app/api/v1/events/route";
import { replayActionType } from "@/lib/replay/data";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { defaultPolicy } from "@cwr/gating/defaults";
import type { PolicyRules } from "@cwr/gating/types";
import { forcePolicyVersion, outcomes } from "../helpers/fixtures";
import { daysAgo, feed, newSubject, NOW, openWorld, promoteOnce, stateOf, type World } from "./world";

let w: World;
let front: Server;
let base: string;
beforeAll(async () => {
  w = await openWorld();
  // The routes under test read the process-wide database: this file's test database.
  (globalThis as { __cwrDatabase?: Promise<unknown> }).__cwrDatabase = Promise.resolve(w.database);
  front = createServer((req, res) => {
    if (!serveAgentRead(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
});
afterAll(async () => {
  front?.close();
  await w?.database.close();
});

function attestedWalk(): PolicyRules {
  const r = defaultPolicy("low");
  return { ...r, tiers: { ...r.tiers, WALK: { ...r.tiers.WALK, evidence: "attested" } } };
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}`, "content-type": "application/json" });

async function postBatch(secret: string, events: unknown[]) {
  const res = await postEvents(
    new Request("http://test/api/v1/events", {
      method: "POST",
      headers: bearer(secret),
      body: JSON.stringify({ events }),
    }),
    { params: Promise.resolve({}) },
  );
  return { status: res.status, body: (await res.json()) as { accepted: number; rejected: number } };
}

const fresh = (action: string, n: number, tier = "CRAWL") =>
  outcomes(action, tier as "CRAWL", n, n, new Date(Date.now() - 60_000)).map((e) => ({
    ...e,
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
  }));

describe("reporter keys", () => {
  it("store their events as reporter:<key id>; the agent's key stores agent", async () => {
    const s = await newSubject(w.db, "low", new Date(Date.now() - 30 * 86_400_000));
    const reporter = await createApiKey(w.db, SYSTEM_ACTOR, {
      agentId: s.agent.id,
      name: "helpdesk",
      scope: "reporter",
    });
    const agentKey = await createApiKey(w.db, SYSTEM_ACTOR, { agentId: s.agent.id, name: "bot" });
    expect((await postBatch(reporter.secret, fresh(s.key, 3))).body.accepted).toBe(3);
    expect((await postBatch(agentKey.secret, fresh(s.key, 2))).body.accepted).toBe(2);
    const rows = await w.db.outcomeEvent.findMany({ where: { actionTypeId: s.id }, select: { source: true } });
    expect(rows.filter((r) => r.source === `reporter:${reporter.id}`)).toHaveLength(3);
    expect(rows.filter((r) => r.source === "agent")).toHaveLength(2);
    const at = await w.db.actionType.findUniqueOrThrow({ where: { id: s.id }, select: { evidenceSources: true } });
    expect(at.evidenceSources).toEqual({ agent: 2, person: 0, reporters: { [reporter.id]: 3 } });
  });

  it("cannot set the source from the body: such an event is refused and nothing is stored", async () => {
    const s = await newSubject(w.db, "low", new Date(Date.now() - 30 * 86_400_000));
    const agentKey = await createApiKey(w.db, SYSTEM_ACTOR, { agentId: s.agent.id, name: "bot" });
    const forged = fresh(s.key, 2).map((e) => ({ ...e, source: "person:someone" }));
    const r = await postBatch(agentKey.secret, forged);
    expect(r.body.rejected).toBe(2);
    expect(await w.db.outcomeEvent.count({ where: { actionTypeId: s.id } })).toBe(0);
  });

  it("report only for their own agent: another agent's action is unknown to them", async () => {
    const mine = await newSubject(w.db);
    const other = await newSubject(w.db);
    const reporter = await createApiKey(w.db, SYSTEM_ACTOR, {
      agentId: mine.agent.id,
      name: "helpdesk",
      scope: "reporter",
    });
    const r = await postBatch(reporter.secret, fresh(other.key, 1));
    expect(r.body.rejected).toBe(1);
    expect(await w.db.outcomeEvent.count({ where: { actionTypeId: other.id } })).toBe(0);
  });

  it("are refused with 403 on tiers, decisions, OFREP and the tier stream; the agent's key is not", async () => {
    const s = await newSubject(w.db);
    const reporter = await createApiKey(w.db, SYSTEM_ACTOR, {
      agentId: s.agent.id,
      name: "helpdesk",
      scope: "reporter",
    });
    const agentKey = await createApiKey(w.db, SYSTEM_ACTOR, { agentId: s.agent.id, name: "bot" });
    const reads: Array<[string, string, unknown?]> = [
      ["GET", "/api/v1/tiers"],
      ["GET", `/api/v1/tiers/${s.key}`],
      ["POST", "/api/v1/decisions", { action: s.key, audience: "internal" }],
      ["POST", "/ofrep/v1/evaluate/flags", { context: { targetingKey: "u1" } }],
      ["POST", `/ofrep/v1/evaluate/flags/${s.key}`, { context: { targetingKey: "u1" } }],
    ];
    for (const [method, path, body] of reads) {
      const call = (secret: string) =>
        fetch(base + path, { method, headers: bearer(secret), body: body ? JSON.stringify(body) : undefined });
      const refused = await call(reporter.secret);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(((await refused.json()) as { error?: { code: string } }).error?.code ?? "forbidden").toBe("forbidden");
      expect((await call(agentKey.secret)).status, `${method} ${path} with the agent's key`).toBe(200);
    }
    const stream = await fetch(`${base}/api/v1/tiers/stream`, { headers: bearer(reporter.secret) });
    expect(stream.status).toBe(403);
    expect(((await stream.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  });
});

describe("an attested WALK", () => {
  it("ignores the agent's own successes for promotion but demotes on its failures; the replay agrees", async () => {
    const s = await newSubject(w.db, "low", daysAgo(40));
    await feed(w.db, s, "CRAWL", 60, 60, daysAgo(20));
    await promoteOnce(w, s, daysAgo(20));
    await forcePolicyVersion(w.db, s.id, attestedWalk(), "attested evidence", daysAgo(19));

    await feed(w.db, s, "WALK", 120, 120, daysAgo(5)); // the agent's own key
    expect((await stateOf(w.db, s.id)).actionType.evidenceTrials).toBe(0);
    const reported = outcomes(s.key, "WALK", 30, 30, daysAgo(4));
    await ingestEvents(
      w.db,
      { ...s.agent, source: "reporter:00000000-0000-0000-0000-000000000001" },
      reported,
      daysAgo(4),
    );
    expect((await stateOf(w.db, s.id)).actionType.evidenceTrials).toBe(30);

    const replay = await replayActionType(w.db, s.id, { now: NOW });
    expect(replay.state.trials).toBe(30);

    // Failures from the agent's own key drive the detector to a demotion.
    const failures = outcomes(s.key, "WALK", 40, 0, daysAgo(1));
    const summary = await ingestEvents(w.db, s.agent, failures, daysAgo(1));
    expect(summary.demotions.map((d) => d.to)).toEqual(["CRAWL"]);
    expect((await stateOf(w.db, s.id)).actionType.tier).toBe("CRAWL");
  });
});
