// Issue 21 item 7 (SPEC §6): ingest never holds the event loop for a whole batch. On the embedded
// default PGlite runs inside the server's thread, so a batch whose queries all settle as microtasks
// keeps every socket (an agent's decision included) waiting until its transaction commits. A decision
// arriving while a 1,000-event batch is being stored and folded must be answered before the batch is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cachedAgentEntry } from "@/lib/action-types/tier-cache";
import { ingestEvents } from "@/lib/events/mutations";
import { decideForSubject } from "@cwr/gating/slider";
import type { Database } from "@/lib/db/client";
import { makeActionType, makeAgent, makePeople, outcomes } from "../helpers/fixtures";
import { authenticateApiKey } from "@/lib/keys/data";
import { userActor } from "@/lib/auth/actor";
import { createApiKey, revokeApiKey } from "@/lib/keys/mutations";
import { testDatabase } from "../helpers/db";

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
}, 60_000);
afterAll(async () => {
  await database?.close();
});

/** Starts a 1,000-event batch, then asks for a decision the way a socket would: on a later turn of the loop. */
async function decisionDuringBatch(decisionAt: () => number) {
  const db = database.prisma;
  const agent = await makeAgent(db);
  const types = await Promise.all(Array.from({ length: 4 }, () => makeActionType(db, agent.id)));
  const now = new Date();
  await cachedAgentEntry(db, agent.id); // the agent's tiers are cached, as after its first decision
  const batch = types.flatMap((t, i) => outcomes(t.key, "CRAWL", 250, 245, now, `batch-${i}`));
  let batchDone = false;
  const ingest = ingestEvents(db, { id: agent.id, slug: agent.slug }, batch, now).then((summary) => {
    batchDone = true;
    return summary;
  });
  const decided = new Promise<{ answeredBeforeBatch: boolean; mode: string }>((resolve, reject) =>
    setImmediate(() => {
      cachedAgentEntry(db, agent.id, decisionAt())
        .then((entry) => {
          const view = entry.byKey.get(types[0]!.key);
          const d = decideForSubject(view?.tier ?? null, view?.frozen ?? false, "internal", null, undefined);
          resolve({ answeredBeforeBatch: !batchDone, mode: d.mode });
        })
        .catch(reject);
    }),
  );
  const [summary, decision] = await Promise.all([ingest, decided]);
  expect(summary.accepted).toBe(1000);
  return decision;
}

describe("agents' decisions during ingest", () => {
  it("a decision is answered while a 1,000-event batch is being stored and folded", async () => {
    const decision = await decisionDuringBatch(() => Date.now());
    expect(decision.mode).toBe("suggest");
    expect(decision.answeredBeforeBatch).toBe(true);
  }, 60_000);

  it("a decision whose cached tiers have just expired does not wait for the batch's transaction", async () => {
    // The entry is past its TTL (1 s by default): it is answered from the entry while a refresh runs.
    const decision = await decisionDuringBatch(() => Date.now() + 1_500);
    expect(decision.mode).toBe("suggest");
    expect(decision.answeredBeforeBatch).toBe(true);
  }, 60_000);
});

describe("the key cache during ingest", () => {
  it("a key in steady use is read again in the background, and a revocation meanwhile still holds", async () => {
    const db = database.prisma;
    const admin = userActor((await makePeople(db)).admin);
    const agent = await makeAgent(db);
    const { id: keyId, secret } = await createApiKey(db, admin, { agentId: agent.id, name: "steady" });
    const t0 = Date.now();
    expect(await authenticateApiKey(db, secret, new Date(t0))).toMatchObject({ keyId });
    // Past half the cache's life (2 s): answered from the cache while the key is read again.
    expect(await authenticateApiKey(db, secret, new Date(t0 + 1_500))).toMatchObject({ keyId });
    await revokeApiKey(db, admin, { keyId });
    await new Promise((r) => setTimeout(r, 200)); // the background read settles
    expect(await authenticateApiKey(db, secret, new Date(t0 + 1_600))).toBeNull();
  }, 60_000);
});
