// A demo that moves (issue 25 item 6), against the real server with the demo agent on at the default
// volume, sped up 5× (DEMO_AGENT_SPEED only multiplies the pace: 5 minutes become 1, 15 become 3; the
// default timing itself is proven in demo-schedule.test.ts). What the overview polls
// (/api/dashboard/overview) must show outcome counts changing on several action types, refund.issue
// included (proposals decided by the helpdesk), a gate sentence changing, the keys' last-used times
// moving, and then deploy.rollback's bad release demoted, on the overview and on its timeline.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { DEMO_STORIES } from "@/lib/demo/agent";
import { kill, signInCookie, startServer, type TestServer } from "../helpers/server";

const SPEED = 5;
let server: TestServer;
let cookie: string;

beforeAll(async () => {
  server = await startServer({ DEMO_AGENT: "on", DEMO_AGENT_SPEED: String(SPEED) });
  cookie = await signInCookie(server.baseUrl, "admin@demo.local");
}, 180_000);
afterAll(async () => server?.stop());

interface Row {
  id: string;
  agentSlug: string;
  key: string;
  tier: string;
  windowTrials: number;
  gateSentence: string | null;
  lastDemotion: { at: string; cause: string } | null;
}

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${server.baseUrl}${path}`, { headers: { cookie } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};
const overview = async () =>
  new Map((await get<{ rows: Row[] }>("/api/dashboard/overview")).rows.map((r) => [`${r.agentSlug}/${r.key}`, r]));
const keys = async () =>
  (
    await get<{ keys: Array<{ id: string; name: string; revokedAt: string | null; lastUsedAt: string | null }> }>(
      "/api/dashboard/admin/keys",
    )
  ).keys.filter((k) => !k.revokedAt && (k.name === "demo agent (auto)" || k.name === "helpdesk"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the live demo, as a new user watches the overview", () => {
  it(
    "moves within (5 min ÷ speed): outcomes on several action types incl. refund.issue, a gate sentence, keys' last use",
    { timeout: 300_000 },
    async () => {
      const first = await overview();
      const firstUse = new Map<string, number>();
      const movedKeys = new Set<string>();
      let changed: string[] = [];
      let sentences: string[] = [];
      // 5 minutes at SPEED, with room for a busy shared machine; last-used has a one-minute resolution.
      const deadline = Date.now() + Math.max((5 * 60_000) / SPEED, 65_000) + 45_000;
      let demoKeys = 0;
      while (Date.now() < deadline) {
        const now = await overview();
        changed = [...now].filter(([k, r]) => r.windowTrials !== first.get(k)?.windowTrials).map(([k]) => k);
        sentences = [...now].filter(([k, r]) => r.gateSentence !== first.get(k)?.gateSentence).map(([k]) => k);
        const ks = await keys();
        demoKeys = ks.length;
        for (const k of ks) {
          if (!k.lastUsedAt) continue;
          const at = Date.parse(k.lastUsedAt);
          if (!firstUse.has(k.id)) firstUse.set(k.id, at);
          else if (at > firstUse.get(k.id)!) movedKeys.add(k.id);
        }
        if (
          changed.length >= 5 &&
          changed.includes("support-bot/refund.issue") &&
          sentences.length > 0 &&
          movedKeys.size === demoKeys
        )
          break;
        await sleep(2000);
      }
      console.log(
        `changed: ${changed.join(", ")}; sentences: ${sentences.join(", ")}; keys moved ${movedKeys.size}/${demoKeys}`,
      );
      expect(changed.length, server.logs()).toBeGreaterThanOrEqual(5);
      expect(changed).toContain("support-bot/refund.issue");
      expect(sentences.length).toBeGreaterThan(0);
      expect(demoKeys).toBe(4); // three agents' own keys and support-bot's helpdesk
      expect(movedKeys.size).toBe(demoKeys);
    },
  );

  it(
    "plays deploy.rollback's bad release out within (15 min ÷ speed): demoted on the overview and its timeline",
    { timeout: 300_000 },
    async () => {
      const key = `${DEMO_STORIES.degrade.agent}/${DEMO_STORIES.degrade.action}`;
      const deadline = Date.now() + (15 * 60_000) / SPEED;
      let row = (await overview()).get(key)!;
      while (row.tier !== "CRAWL" && Date.now() < deadline) {
        await sleep(2000);
        row = (await overview()).get(key)!;
      }
      expect(row.tier, server.logs()).toBe("CRAWL");
      expect(row.lastDemotion?.cause).toBe("automatic_demotion");
      const detail = await get<{ timeline: Array<{ from: string; to: string; cause: string }> }>(
        `/api/dashboard/action-types/${row.id}`,
      );
      expect(detail.timeline).toContainEqual(
        expect.objectContaining({ from: "WALK", to: "CRAWL", cause: "automatic_demotion" }),
      );
      expect(server.logs()).not.toContain("events rejected");

      // The live refunds: the helpdesk's reporter key decided some (no person named), others wait in the queue.
      await kill(server.process);
      const database = await openDatabase({ target: { kind: "pglite", dir: path.join(server.dataDir, "pglite") } });
      try {
        const live = await database.prisma.proposal.findMany({
          where: { idempotencyKey: { startsWith: "refund-L-" } },
          select: { status: true, decidedById: true },
        });
        expect(live.filter((p) => p.status !== "pending" && p.decidedById === null).length).toBeGreaterThan(0);
        expect(live.some((p) => p.status === "pending")).toBe(true);
      } finally {
        await database.close();
      }
    },
  );
});
