// The agent routes' tier cache follows committed tier changes (NOTIFY) without waiting for its TTL:
// a freeze is in the cached entry, its serialised forms and ETags recomputed, as soon as it commits.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setFrozen } from "@/lib/action-types/mutations";
import { cachedAgentEntry, freshAgentEntry, memo } from "@/lib/action-types/tier-cache";
import { startTierListener, stopTierListener } from "@/lib/db/notify";
import type { Database } from "@/lib/db/client";
import { makeActionType, makeAgent, makePeople } from "../helpers/fixtures";
import { testDatabase } from "../helpers/db";
import { AGENT_ROUTES } from "@/lib/http/agent-routes";
import type { KeyPrincipal } from "@/lib/keys/data";

// Before the imports run: a TTL no test waits for, so only the NOTIFY can refresh the entry.
vi.hoisted(() => {
  process.env.TIER_CACHE_MS = "60000";
});

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
  await startTierListener(database); // starts this process's LISTEN
}, 60_000);
afterAll(async () => {
  await stopTierListener();
  await database?.close();
});

// The LISTEN notice reaches the cache soon after commit; the bound only detects one that never comes,
// generous because CI runners are loaded (latency is a benchmark row, not a test).
const until = async (ok: () => Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok()) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return ok();
};

describe("tier cache", () => {
  it("a freeze and an unfreeze show in the cached entry (and its memoised values) right after commit", async () => {
    const db = database.prisma;
    const people = await makePeople(db);
    const agent = await makeAgent(db);
    const at = await makeActionType(db, agent.id);
    const before = await cachedAgentEntry(db, agent.id);
    expect(before.byKey.get(at.key)).toMatchObject({ frozen: false });
    const etag = memo(before, "test", (e) => JSON.stringify(e.list));

    await setFrozen(db, people.reviewer1, {
      actionTypeId: at.id,
      frozen: true,
      rationale: "Freezing to test the cache follows the change.",
    });
    expect(await until(async () => (await cachedAgentEntry(db, agent.id)).byKey.get(at.key)?.frozen === true)).toBe(
      true,
    );
    const frozen = await cachedAgentEntry(db, agent.id);
    expect(memo(frozen, "test", (e) => JSON.stringify(e.list))).not.toBe(etag);
    expect(frozen.list.find((t) => t.action === at.key)).toEqual(frozen.byKey.get(at.key));

    await setFrozen(db, people.reviewer1, {
      actionTypeId: at.id,
      frozen: false,
      rationale: "Unfreezing to test the cache follows the change.",
    });
    expect(await until(async () => (await cachedAgentEntry(db, agent.id)).byKey.get(at.key)?.frozen === false)).toBe(
      true,
    );
    expect(memo(await cachedAgentEntry(db, agent.id), "test", (e) => JSON.stringify(e.list))).toBe(etag);
  });

  it("the decision serialised once per entry follows a freeze and an unfreeze (issue 26: preserialised answers)", async () => {
    const db = database.prisma;
    const people = await makePeople(db);
    const agent = await makeAgent(db);
    const at = await makeActionType(db, agent.id);
    const key = { keyId: "k", agentId: agent.id, agentSlug: agent.slug, scope: "agent" } as KeyPrincipal;
    const decide = async (subject?: string) => {
      const body = { action: at.key, audience: "internal" as const, ...(subject ? { subject } : {}) };
      const answer = await AGENT_ROUTES.decisions.handle({ req: {} as never, db, key, param: undefined, body });
      return JSON.parse(answer.body!) as { reason: string };
    };
    const first = await decide();
    expect(first.reason).not.toContain("frozen");
    expect(await decide()).toEqual(first); // the serialised answer, the second time
    expect(await decide("customer-1")).toEqual(first); // no slider, no contract: the subject changes nothing

    await setFrozen(db, people.reviewer1, {
      actionTypeId: at.id,
      frozen: true,
      rationale: "Freezing: decisions follow.",
    });
    expect(await until(async () => (await decide()).reason.includes("(tier frozen)"))).toBe(true);
    expect((await decide("customer-1")).reason).toContain("(tier frozen)");

    await setFrozen(db, people.reviewer1, {
      actionTypeId: at.id,
      frozen: false,
      rationale: "Unfreezing: decisions follow.",
    });
    expect(await until(async () => !(await decide()).reason.includes("frozen"))).toBe(true);
    expect(await decide()).toEqual(first);
  });

  it("freshAgentEntry reads a change the cache has not heard of, for every concurrent caller, and keeps it", async () => {
    const db = database.prisma;
    const agent = await makeAgent(db);
    const at = await makeActionType(db, agent.id);
    expect((await cachedAgentEntry(db, agent.id)).byKey.get(at.key)?.frozen).toBe(false);
    // Committed without a notice (as when this instance's LISTEN connection lags): the cache cannot know.
    await db.$executeRawUnsafe(`UPDATE action_types SET frozen = true WHERE id = $1::uuid`, at.id);
    expect((await cachedAgentEntry(db, agent.id)).byKey.get(at.key)?.frozen).toBe(false);

    const answers = await Promise.all(Array.from({ length: 20 }, () => freshAgentEntry(db, agent.id)));
    for (const e of answers) expect(e.byKey.get(at.key)?.frozen).toBe(true);
    expect((await cachedAgentEntry(db, agent.id)).byKey.get(at.key)?.frozen).toBe(true);
    await db.$executeRawUnsafe(`UPDATE action_types SET frozen = false WHERE id = $1::uuid`, at.id);
  });
});
