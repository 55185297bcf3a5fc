// The live demo: a server started with the demo agent on (sped up 20×) must, within a minute, show an
// automatic demotion (infra-bot / deploy.rollback, WALK → CRAWL by the CUSUM detector) to any agent
// reading its tiers, and make sales-bot / discount.offer eligible for promotion.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { liveEvidence } from "@/lib/metrics/data";
import { fromDbKind } from "@/lib/events/schema";
import type { TierView } from "@cwr/sdk/types";
import { DEMO_STORIES } from "@/lib/demo/agent";
import { createKey, kill, signInCookie, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  // The stories sped up (one outcome a second per agent, ×20); by default the agent keeps the seeded volume.
  server = await startServer({ DEMO_AGENT: "on", DEMO_AGENT_RATE: "1", DEMO_AGENT_SPEED: "20" });
}, 120_000);
afterAll(async () => server?.stop());

describe("the live demo agent", () => {
  it(
    "degrades deploy.rollback until the server demotes it, and makes discount.offer eligible",
    { timeout: 180_000 },
    async () => {
      const key = await createKey(server.baseUrl, DEMO_STORIES.degrade.agent);
      const tiers = async () =>
        (
          (await (
            await fetch(`${server.baseUrl}/api/v1/tiers`, { headers: { authorization: `Bearer ${key}` } })
          ).json()) as { tiers: TierView[] }
        ).tiers;
      const rollback = async () => (await tiers()).find((t) => t.action === DEMO_STORIES.degrade.action)!;

      const deadline = Date.now() + 60_000;
      let view = await rollback();
      while (view.tier !== "CRAWL" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        view = await rollback();
      }
      expect(view.tier, server.logs()).toBe("CRAWL");
      expect(Date.parse(view.tierSince)).toBeGreaterThanOrEqual(startedAt); // demoted in this run, not in the seed
      console.log(
        `deploy.rollback demoted ${Math.round((Date.parse(view.tierSince) - startedAt) / 1000)} s after the server was started`,
      );

      // Let the demo run on (rollback's events in the CRAWL family) until discount.offer's evidence
      // clears its bar: how long that takes depends on how fast this machine runs the demo, not on a
      // fixed pause (the gate tests at α₀ = 0.8·α since issue 11, so it needs a little more evidence).
      const cookie = await signInCookie(server.baseUrl, "viewer@demo.local");
      const offerEligible = async () => {
        const q = `agent=${DEMO_STORIES.improve.agent}&q=${DEMO_STORIES.improve.action}`;
        const res = await fetch(`${server.baseUrl}/api/dashboard/overview?${q}`, { headers: { cookie } });
        const rows = ((await res.json()) as { rows: Array<{ key: string; eligible: boolean }> }).rows;
        return rows.find((r) => r.key === DEMO_STORIES.improve.action)?.eligible === true;
      };
      await new Promise((r) => setTimeout(r, 4000));
      const eligibleBy = Date.now() + 60_000;
      while (!(await offerEligible()) && Date.now() < eligibleBy) await new Promise((r) => setTimeout(r, 500));
      expect(server.logs()).toContain("demo agent started");
      expect(server.logs()).not.toContain("events rejected");

      // Stop the server (SIGTERM; the harness falls back to SIGKILL after 10 s), then read its database.
      const stopping = Date.now();
      await kill(server.process);
      console.log(`server stopped ${Date.now() - stopping} ms after SIGTERM`);
      const database = await openDatabase({ target: { kind: "pglite", dir: path.join(server.dataDir, "pglite") } });
      try {
        const db = database.prisma;
        const degraded = await db.actionType.findFirstOrThrow({
          where: { key: DEMO_STORIES.degrade.action, agent: { slug: DEMO_STORIES.degrade.agent } },
          select: { id: true },
        });
        const change = await db.tierChange.findFirst({
          where: { actionTypeId: degraded.id },
          orderBy: { createdAt: "desc" },
        });
        expect(change).toMatchObject({ cause: "automatic_demotion", fromTier: "WALK", toTier: "CRAWL" });
        // After the demotion the demo reports suggestions (the CRAWL family) for it.
        const after = await db.outcomeEvent.findMany({
          where: { actionTypeId: degraded.id, occurredAt: { gt: change!.createdAt } },
          select: { tier: true, kind: true },
        });
        expect(after.length).toBeGreaterThan(0);
        const lateOnes = after.slice(-10);
        for (const e of lateOnes) {
          expect(e.tier).toBe("CRAWL");
          expect(fromDbKind(e.kind)).toMatch(/^suggestion\./);
        }

        const improving = await db.actionType.findFirstOrThrow({
          where: { key: DEMO_STORIES.improve.action, agent: { slug: DEMO_STORIES.improve.agent } },
          select: { id: true },
        });
        const ev = await liveEvidence(db, improving.id, new Date());
        console.log(`discount.offer: ${ev.evidence.successes}/${ev.evidence.trials}, ${ev.eligibility.gate?.label}`);
        expect(ev.actionType.tier).toBe("CRAWL");
        expect(ev.eligibility.unmet.map((u) => u.message)).toEqual([]);
        expect(ev.eligibility.eligible).toBe(true);
      } finally {
        await database.close();
      }
    },
  );
});
