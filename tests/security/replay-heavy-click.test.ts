// Issue 21 item 7, the heavy click: a what-if replay runs off the event loop (a worker thread), one
// at a time per instance. Against the real production server: a second concurrent replay answers
// 429 with Retry-After in the one error model, and an agent's decision is answered while the worker
// is busy. REPLAY_HOLD_MS makes the worker hold each replay with a blocking wait (as a long fold
// would); were the replay on the event loop, the same wait would hold every request behind it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, signInCookie, startServer, type TestServer } from "../helpers/server";
import { callAction } from "../helpers/actions";

let server: TestServer;
let admin: string;
let key: string;
let actionTypeId: string;
let rules: Record<string, unknown>;

beforeAll(async () => {
  server = await startServer({ REPLAY_HOLD_MS: "4000" });
  admin = await signInCookie(server.baseUrl, "admin@demo.local");
  key = await createKey(server.baseUrl, "support-bot", "replay-attack");
  const rows = (
    (await (await fetch(`${server.baseUrl}/api/dashboard/overview`, { headers: { cookie: admin } })).json()) as {
      rows: Array<{ id: string; key: string }>;
    }
  ).rows;
  actionTypeId = rows.find((r) => r.key === "ticket.reply")!.id;
  const detail = (await (
    await fetch(`${server.baseUrl}/api/dashboard/action-types/${actionTypeId}`, { headers: { cookie: admin } })
  ).json()) as { live: { policy: { rules: Record<string, unknown> } } };
  rules = detail.live.policy.rules;
}, 240_000);
afterAll(async () => server?.stop());

const replay = (alpha: number) =>
  fetch(`${server.baseUrl}/api/dashboard/replay`, {
    method: "POST",
    headers: { cookie: admin, "content-type": "application/json" },
    body: JSON.stringify({ actionTypeId, rules: { ...rules, alpha } }),
  });

const decide = () =>
  fetch(`${server.baseUrl}/api/v1/decisions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ action: "ticket.reply", audience: "external" }),
  });

/** Resolves when the promise settles; lets a test ask "has it answered yet?". */
function tracked<T>(p: Promise<T>) {
  const t = { done: false, value: p };
  void p.then(
    () => (t.done = true),
    () => (t.done = true),
  );
  return t;
}

describe("the heavy click (issue 21 item 7)", () => {
  it("a second concurrent replay gets 429 with Retry-After; the first answers", async () => {
    const first = tracked(replay(0.04));
    // The first is admitted once the server has read its body; give it a moment, then try a second.
    await new Promise((r) => setTimeout(r, 800));
    expect(first.done, "the first replay is still running").toBe(false);
    const second = await replay(0.03);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await second.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("rate_limited");
    const answered = await first.value;
    expect(answered.status).toBe(200);
    const summary = (await answered.json()) as { proposed: unknown; current: unknown };
    expect(summary.proposed).toBeDefined();
    expect(summary.current).toBeDefined();
  }, 60_000);

  it("the server action refuses the same way (rate_limited) while a replay runs", async () => {
    const first = tracked(replay(0.041));
    await new Promise((r) => setTimeout(r, 800));
    const r = await callAction(server.baseUrl, admin, "replayPolicyAction", {
      actionTypeId,
      rules: { ...rules, alpha: 0.031 },
    });
    expect((r.result as { ok: boolean; error?: { code: string } }).error?.code).toBe("rate_limited");
    expect((await first.value).status).toBe(200);
  }, 60_000);

  it("agents' decisions are answered while the worker is busy", async () => {
    const running = tracked(replay(0.042));
    await new Promise((r) => setTimeout(r, 800));
    for (let i = 0; i < 5; i++) {
      const d = await decide();
      expect(d.status).toBe(200);
      expect(((await d.json()) as { tier: string }).tier).toMatch(/CRAWL|WALK|RUN/);
    }
    expect(running.done, "the decisions answered before the replay did").toBe(false);
    expect((await running.value).status).toBe(200);
  }, 60_000);

  it("the same replay again is answered from the cache, even while another runs", async () => {
    const again = await replay(0.04);
    expect(again.status).toBe(200);
    const running = tracked(replay(0.043));
    await new Promise((r) => setTimeout(r, 800));
    const cached = await replay(0.04);
    expect(cached.status).toBe(200);
    expect(running.done).toBe(false);
    await running.value;
  }, 60_000);
});
