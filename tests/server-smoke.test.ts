import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, signInCookie, startServer, type TestServer } from "./helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
}, 180_000);
afterAll(async () => server?.stop());

describe("the production server", () => {
  it("serves an agent its tiers with a key made by an admin", async () => {
    const key = await createKey(server.baseUrl, "support-bot");
    const res = await fetch(`${server.baseUrl}/api/v1/tiers`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { agent: string; tiers: Array<{ action: string }> };
    expect(body.agent).toBe("support-bot");
    expect(body.tiers.map((t) => t.action)).toContain("refund.issue");
  });

  it("stays quiet with the demo agent off (the tests' default): no demo keys, no outcomes arriving", async () => {
    const cookie = await signInCookie(server.baseUrl, "admin@demo.local");
    const counts = async () => {
      const res = await fetch(`${server.baseUrl}/api/dashboard/overview`, { headers: { cookie } });
      const rows = ((await res.json()) as { rows: Array<{ key: string; windowTrials: number }> }).rows;
      return rows.map((r) => `${r.key}:${r.windowTrials}`).join(" ");
    };
    const before = await counts();
    await new Promise((r) => setTimeout(r, 3000));
    expect(await counts()).toBe(before);
    const keys = await fetch(`${server.baseUrl}/api/dashboard/admin/keys`, { headers: { cookie } });
    const names = ((await keys.json()) as { keys: Array<{ name: string }> }).keys.map((k) => k.name);
    expect(names).not.toContain("demo agent (auto)");
    expect(server.logs()).not.toContain("demo agent started");
  });
});
