import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "./helpers/server";

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
});
