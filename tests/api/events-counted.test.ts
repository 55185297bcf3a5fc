// Issue 25: an accepted event says whether it counts as evidence, and why not. The README's sample
// came back `accepted` while it could never count (backdated, labelled CRAWL). Real server, seeded demo.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let support: string;

interface Result {
  status: "accepted" | "duplicate" | "rejected";
  counted?: boolean;
  notCounted?: string;
}

async function send(events: unknown[]): Promise<Result[]> {
  const res = await fetch(`${server.baseUrl}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${support}`, "content-type": "application/json" },
    body: JSON.stringify({ events }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Result[] }).results;
}

const now = () => new Date(Date.now() - 60_000).toISOString();

/** The events sample in the README's curl, as a user pastes it (the shell's date filled in). */
function readmeSample(): Record<string, unknown> {
  const readme = readFileSync("README.md", "utf8");
  const m = /api\/v1\/events[^\n]*\n[^\n]*-d '(\{"events".*?\})'\s*$/m.exec(readme);
  if (!m) throw new Error("no events sample in README.md");
  const body = m[1]!.replace(/'"\$\(date -u \+%FT%TZ\)"'/g, now());
  const event = (JSON.parse(body) as { events: Array<Record<string, unknown>> }).events[0]!;
  return { ...event, idempotencyKey: `readme-${randomUUID()}` };
}

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  support = await createKey(server.baseUrl, "support-bot");
}, 180_000);
afterAll(async () => server?.stop());

describe("POST /api/v1/events says per event whether it counts as evidence", () => {
  it("an event labelled with another tier than the action type's is accepted, not counted, and says why", async () => {
    // ticket.escalate is in WALK in the demo: a CRAWL label never counts toward WALK's evidence.
    const [r] = await send([
      {
        idempotencyKey: `x-${randomUUID()}`,
        action: "ticket.escalate",
        kind: "suggestion.accepted",
        tier: "CRAWL",
        occurredAt: now(),
      },
    ]);
    expect(r).toMatchObject({ status: "accepted", counted: false });
    expect(r!.notCounted).toMatch(/CRAWL.*WALK|WALK.*CRAWL/);
  });

  it("a fresh outcome of the action type's own tier counts, with no reason attached", async () => {
    const [r] = await send([
      {
        idempotencyKey: `y-${randomUUID()}`,
        action: "ticket.escalate",
        kind: "action.completed",
        tier: "WALK",
        occurredAt: now(),
      },
    ]);
    expect(r).toMatchObject({ status: "accepted", counted: true });
    expect(r!.notCounted).toBeUndefined();
  });

  it("the agent's own outcome under an attested tier is accepted, not counted toward promotion, and says so", async () => {
    // ticket.reply's WALK takes only its helpdesk's (a reporter key's) outcomes toward promotion.
    const [r] = await send([
      {
        idempotencyKey: `z-${randomUUID()}`,
        action: "ticket.reply",
        kind: "action.completed",
        tier: "WALK",
        occurredAt: now(),
      },
    ]);
    expect(r).toMatchObject({ status: "accepted", counted: false });
    expect(r!.notCounted).toMatch(/attested/);
  });

  it("the README's sample event counts (or says why not)", async () => {
    const [r] = await send([readmeSample()]);
    expect(r!.status).toBe("accepted");
    expect(r!.counted).toBe(true);
  });
});
