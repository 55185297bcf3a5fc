// Crash safety of event ingestion (SPEC §4 "never loses an accepted event; idempotent under retries").
// Clients send outcome-event batches with retries (the same idempotency keys every time) while the
// production server on the embedded database is killed with SIGKILL and restarted several times.
// Afterwards: every event the server acknowledged is stored exactly once (re-sending it answers
// `duplicate`; the stored keys are exactly the acknowledged ones) and the rollups and evidence
// counters equal a recount from the raw events, made with the product's own classifier.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createAgent, createActionType } from "@/lib/agents/mutations";
import { createApiKey } from "@/lib/keys/mutations";
import { outcomeOf } from "@cwr/gating";
import type { EventKind, Tier } from "@cwr/gating/types";
import { kill, startServer, type TestServer } from "../helpers/server";

const KILLS = 4;
const BATCH = 250;
const SENDERS = 2;
const ACTIONS = ["crash.a", "crash.b", "crash.c"];
const KINDS: EventKind[] = [
  "suggestion.accepted",
  "suggestion.edited",
  "suggestion.rejected",
  "action.completed",
  "action.reverted",
  "outcome.positive",
  "outcome.negative",
];
const TIERS: Tier[] = ["CRAWL", "CRAWL", "CRAWL", "WALK", "RUN"];

interface SentEvent {
  idempotencyKey: string;
  action: string;
  kind: EventKind;
  tier: Tier;
  occurredAt: string;
  agentVersion: string;
  severity?: string;
}
interface Result {
  idempotencyKey: string | null;
  status: "accepted" | "duplicate" | "rejected";
  reason?: string;
}

let dir: string;
let server: TestServer;
let apiKey: string;
let agentId: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // A database with one agent and its key, made through the real mutations before the server starts:
  // the server then skips the demo seed (it only seeds an empty database), so each start is quick.
  dir = mkdtempSync(path.join(os.tmpdir(), "cwr-crash-"));
  const db = await openDatabase({ target: { kind: "pglite", dir: path.join(dir, "pglite") } });
  try {
    const agent = await createAgent(
      db.prisma,
      SYSTEM_ACTOR,
      { slug: "crash-bot", name: "Crash bot", owner: "tests", description: "" },
      new Date(Date.now() - 60_000),
    );
    agentId = agent.id;
    for (const key of ACTIONS) {
      await createActionType(
        db.prisma,
        SYSTEM_ACTOR,
        { agentId, key, name: key, description: "", blastRadius: "low", reversible: true },
        new Date(Date.now() - 60_000),
      );
    }
    apiKey = (await createApiKey(db.prisma, SYSTEM_ACTOR, { agentId, name: "crash" })).secret;
  } finally {
    await db.close();
  }
  server = await startServer({ PGLITE_DIR: path.join(dir, "pglite"), DEMO_AGENT: "off" });
}, 180_000);

afterAll(async () => {
  if (server) await server.stop().catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** POSTs one batch until the server answers 200, reusing the same idempotency keys on every attempt. */
async function sendUntilAcknowledged(events: SentEvent[]): Promise<{ results: Result[]; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${server.baseUrl}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(30_000),
      });
      if (res.status === 200)
        return { results: ((await res.json()) as { results: Result[] }).results, attempts: attempt };
      // 503 (starting, shutting down), 429, 5xx: retry. Anything else is a bug in the test or the server.
      if (res.status < 500 && res.status !== 429) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
      await res.body?.cancel();
    } catch (e) {
      if ((e as Error).message.startsWith("unexpected")) throw e;
      // connection refused / reset while the server is down: retry
    }
    await sleep(Math.min(1_000, 50 * attempt));
  }
}

describe("ingestion survives SIGKILL", () => {
  it(`${KILLS} kills mid-ingest: acknowledged events stored exactly once; rollups and evidence equal a recount`, async () => {
    const started = Date.now();
    const run = randomBytes(4).toString("hex");
    const acknowledged = new Map<string, SentEvent>();
    const sent = new Map<string, SentEvent>();
    let batches = 0;
    let ackedBatches = 0;
    let retried = 0;
    let committedBeforeKill = 0; // retried batches whose first attempt had committed: answered `duplicate`
    let stop = false;

    const makeBatch = (n: number): SentEvent[] => {
      const events: SentEvent[] = Array.from({ length: BATCH }, (_, i) => {
        const kind = KINDS[(n * 7 + i) % KINDS.length]!;
        return {
          idempotencyKey: `${run}-${n}-${i}`,
          action: ACTIONS[i % ACTIONS.length]!,
          kind,
          tier: TIERS[(n + i) % TIERS.length]!,
          occurredAt: new Date(Date.now() - (i % 50) * 10).toISOString(),
          agentVersion: "v1",
        };
      });
      // an incident now and then (of another tier than CRAWL, so nothing is demoted or frozen)
      if (n % 3 === 0)
        events.push({
          idempotencyKey: `${run}-${n}-incident`,
          action: ACTIONS[0]!,
          kind: "incident",
          tier: "WALK",
          severity: "low",
          occurredAt: new Date().toISOString(),
          agentVersion: "v1",
        });
      // a client resending events it already sent (from the previous batch): must never count twice
      const previous = [...sent.values()].slice(-10);
      if (n % 4 === 1) events.push(...previous);
      return events;
    };

    const sender = async () => {
      while (!stop) {
        const batch = makeBatch(batches++);
        for (const e of batch) sent.set(e.idempotencyKey, e);
        const { results, attempts } = await sendUntilAcknowledged(batch);
        if (attempts > 1) retried++;
        if (attempts > 1 && results.some((r, i) => r.status === "duplicate" && i < BATCH)) committedBeforeKill++;
        ackedBatches++;
        results.forEach((r, i) => {
          expect(r.status, JSON.stringify(r)).not.toBe("rejected");
          acknowledged.set(batch[i]!.idempotencyKey, batch[i]!);
        });
      }
    };

    const killer = async () => {
      for (let k = 0; k < KILLS; k++) {
        // Let a few batches be acknowledged on this run of the server, then kill it at a random
        // point of the batches in flight.
        const from = ackedBatches;
        const deadline = Date.now() + 20_000;
        while (ackedBatches < from + 3 && Date.now() < deadline) await sleep(20);
        await sleep(Math.floor(Math.random() * 300));
        await kill(server.process, "SIGKILL");
        await sleep(100);
        await server.restart();
      }
      await sleep(500);
      stop = true;
    };

    await Promise.all([killer(), ...Array.from({ length: SENDERS }, sender)]);
    expect(retried, "some batches were interrupted by a kill and retried").toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThan(BATCH * SENDERS);

    // Every acknowledged event, sent again, is a duplicate.
    const all = [...acknowledged.values()];
    for (let i = 0; i < all.length; i += 1000) {
      const { results } = await sendUntilAcknowledged(all.slice(i, i + 1000));
      const notDuplicate = results.filter((r) => r.status !== "duplicate");
      expect(notDuplicate, "re-sent acknowledged events").toEqual([]);
    }

    // Kill the server once more (the acknowledged data must already be durable) and open its folder
    // here: the stale lock of the killed process is taken over, PostgreSQL recovers from its WAL.
    await kill(server.process, "SIGKILL");
    const db: Database = await openDatabase({ target: { kind: "pglite", dir: path.join(dir, "pglite") } });
    try {
      const stored = await db.prisma.outcomeEvent.findMany({
        where: { agentId },
        select: {
          idempotencyKey: true,
          kind: true,
          tier: true,
          occurredAt: true,
          actionTypeId: true,
          agentVersion: true,
        },
      });
      const storedKeys = stored.map((s) => s.idempotencyKey);
      expect(new Set(storedKeys).size, "no key stored twice").toBe(storedKeys.length);
      expect(storedKeys.length, "stored exactly the acknowledged events").toBe(acknowledged.size);
      expect(storedKeys.filter((k) => !acknowledged.has(k))).toEqual([]);

      // Rollups recounted from the raw events with the product's classifier (outcomeOf).
      const recount = new Map<string, { successes: number; failures: number; incidents: number }>();
      for (const e of stored) {
        const kind = e.kind.replace("_", ".") as EventKind;
        const k = `${e.actionTypeId}|${e.tier}|${e.occurredAt.toISOString().slice(0, 10)}`;
        const c = recount.get(k) ?? { successes: 0, failures: 0, incidents: 0 };
        const outcome = outcomeOf(kind, e.tier as Tier);
        if (outcome === "success") c.successes++;
        else if (outcome === "failure") c.failures++;
        if (kind === "incident") c.incidents++;
        recount.set(k, c);
      }
      const rollups = await db.prisma.metricRollup.findMany({
        select: { actionTypeId: true, tier: true, day: true, successes: true, failures: true, incidents: true },
      });
      const fromRollups = Object.fromEntries(
        rollups.map((r) => [
          `${r.actionTypeId}|${r.tier}|${r.day.toISOString().slice(0, 10)}`,
          { successes: r.successes, failures: r.failures, incidents: r.incidents },
        ]),
      );
      expect(fromRollups).toEqual(Object.fromEntries(recount));

      // The promotion evidence counted each event once too (same version, current tier, since evidenceSince).
      const actionTypes = await db.prisma.actionType.findMany({
        where: { agentId },
        select: { id: true, tier: true, evidenceSince: true, evidenceSuccesses: true, evidenceTrials: true },
      });
      for (const at of actionTypes) {
        const mine = stored.filter(
          (e) => e.actionTypeId === at.id && e.tier === at.tier && e.occurredAt >= at.evidenceSince,
        );
        const classes = mine.map((e) => outcomeOf(e.kind.replace("_", ".") as EventKind, at.tier as Tier));
        expect({ successes: at.evidenceSuccesses, trials: at.evidenceTrials }).toEqual({
          successes: classes.filter((c) => c === "success").length,
          trials: classes.filter((c) => c !== "ignored").length,
        });
      }
    } finally {
      await db.close();
    }
    console.log(
      `crash test: ${KILLS} SIGKILLs, ${batches} batches (${retried} retried, ${committedBeforeKill} of them committed before the kill), ${acknowledged.size} events acknowledged, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 240_000);
});
