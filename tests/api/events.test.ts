// POST /api/v1/events against the real server: batches up to 1,000, a verdict per event with its
// reason, and idempotency under retries (SPEC §2 "Outcome event", §4).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let support: string;
let infra: string;

const MIN = 60_000;
const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
const ev = (o: Record<string, unknown> = {}) => ({
  idempotencyKey: `ev-${randomUUID()}`,
  action: "ticket.reply",
  kind: "action.completed",
  tier: "WALK",
  occurredAt: at(-MIN),
  ...o,
});

interface Result {
  index: number;
  idempotencyKey: string | null;
  status: "accepted" | "duplicate" | "rejected";
  reason?: string;
  details?: { issues?: Array<{ path: string; message: string }>; action?: string };
  counted?: boolean;
  notCounted?: string;
}
interface BatchResponse {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: Result[];
}

async function send(
  events: unknown[],
  key = support,
): Promise<{ status: number; body: BatchResponse & { error?: { code: string; message: string } } }> {
  const res = await fetch(`${server.baseUrl}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ events }),
  });
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: res.status, body: await res.json() };
}

/** The issue paths and messages of a rejected result, as one string to match against. */
const issues = (r: Result) => (r.details?.issues ?? []).map((i) => `${i.path}: ${i.message}`).join("; ");

const nest = (levels: number): Record<string, unknown> => (levels <= 1 ? { leaf: true } : { n: nest(levels - 1) });

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  [support, infra] = await Promise.all([
    createKey(server.baseUrl, "support-bot"),
    createKey(server.baseUrl, "infra-bot"),
  ]);
}, 180_000);
afterAll(async () => server?.stop());

describe("batch size", () => {
  it("a batch of 1,000 is accepted in full, results in request order; the same batch again is all duplicates", async () => {
    const batch = Array.from({ length: 1000 }, (_, i) =>
      ev({ metadata: { i }, kind: i % 10 === 0 ? "action.reverted" : "action.completed" }),
    );
    const first = await send(batch);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 1000, duplicates: 0, rejected: 0 });
    expect(first.body.results).toHaveLength(1000);
    // Issue 25: an accepted event also says whether it counts as evidence (and why not).
    first.body.results.forEach((r, i) =>
      expect(r).toEqual({
        index: i,
        idempotencyKey: batch[i]!.idempotencyKey,
        status: "accepted",
        counted: expect.any(Boolean),
        ...(r.counted ? {} : { notCounted: expect.any(String) }),
      }),
    );

    const retry = await send(batch);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 1000, rejected: 0 });
    retry.body.results.forEach((r, i) =>
      expect(r).toEqual({ index: i, idempotencyKey: batch[i]!.idempotencyKey, status: "duplicate" }),
    );
  });

  it("a batch of 1,001 → 413 in the JSON error model, and none of it is stored", async () => {
    const batch = Array.from({ length: 1001 }, () => ev());
    const res = await send(batch);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/1000|1,000/) });
    // had any been stored, these would now be duplicates
    const again = await send(batch.slice(0, 1000));
    expect(again.body).toMatchObject({ accepted: 1000, duplicates: 0 });
  });

  it("an empty batch → 422", async () => {
    const res = await send([]);
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe("validation_failed");
  });
});

describe("a verdict per event", () => {
  it("accepted, duplicate and rejected side by side, each rejection with its reason and field", async () => {
    const stored = ev();
    expect((await send([stored])).body.accepted).toBe(1);

    const kib8 = (n: number, ch = "x") => ({ a: ch.repeat(n) }); // JSON `{"a":"…"}` is 8 bytes + the string
    const cases: Array<{ name: string; event: unknown; status: Result["status"]; reason?: string; match?: RegExp }> = [
      { name: "plain", event: ev(), status: "accepted" },
      { name: "4 minutes ahead (inside the tolerance)", event: ev({ occurredAt: at(4 * MIN) }), status: "accepted" },
      { name: "with an offset zone", event: ev({ occurredAt: at(-MIN).replace("Z", "+00:00") }), status: "accepted" },
      {
        name: "with subject, version and metadata",
        event: ev({ subjectRef: "ticket-42", agentVersion: "2026.10", metadata: { tags: ["a", "b"], score: 0.9 } }),
        status: "accepted",
      },
      { name: "metadata of exactly 8 KiB", event: ev({ metadata: kib8(8192 - 8) }), status: "accepted" },
      { name: "metadata 8 levels deep", event: ev({ metadata: nest(8) }), status: "accepted" },
      { name: "an incident with severity", event: ev({ kind: "incident", severity: "low" }), status: "accepted" },
      { name: "already stored", event: stored, status: "duplicate" },
      { name: "already stored, other content", event: { ...stored, kind: "action.reverted" }, status: "duplicate" },
      {
        name: "6 minutes in the future",
        event: ev({ occurredAt: at(6 * MIN) }),
        status: "rejected",
        reason: "invalid",
        match: /occurredAt: .*5 minutes/,
      },
      {
        name: "a year in the future",
        event: ev({ occurredAt: at(365 * 24 * 60 * MIN) }),
        status: "rejected",
        reason: "invalid",
        match: /occurredAt/,
      },
      {
        name: "no zone",
        event: ev({ occurredAt: at(-MIN).replace("Z", "") }),
        status: "rejected",
        reason: "invalid",
        match: /occurredAt/,
      },
      {
        name: "a date without time",
        event: ev({ occurredAt: at(-MIN).slice(0, 10) }),
        status: "rejected",
        reason: "invalid",
        match: /occurredAt/,
      },
      {
        name: "not a date",
        event: ev({ occurredAt: "2026-13-45T99:00:00Z" }),
        status: "rejected",
        reason: "invalid",
        match: /occurredAt/,
      },
      {
        name: "epoch millis",
        event: ev({ occurredAt: Date.now() }),
        status: "rejected",
        reason: "invalid",
        match: /occurredAt/,
      },
      {
        name: "an incident without severity",
        event: ev({ kind: "incident" }),
        status: "rejected",
        reason: "invalid",
        match: /severity/,
      },
      {
        name: "severity on a non-incident",
        event: ev({ severity: "high" }),
        status: "rejected",
        reason: "invalid",
        match: /severity/,
      },
      {
        name: "metadata one byte over 8 KiB",
        event: ev({ metadata: kib8(8192 - 7) }),
        status: "rejected",
        reason: "invalid",
        match: /metadata: .*8 KiB/,
      },
      {
        name: "metadata over 8 KiB in bytes, not characters",
        event: ev({ metadata: kib8(4093, "é") }),
        status: "rejected",
        reason: "invalid",
        match: /metadata: .*8 KiB/,
      },
      {
        name: "metadata 9 levels deep",
        event: ev({ metadata: nest(9) }),
        status: "rejected",
        reason: "invalid",
        match: /metadata: .*8 levels/,
      },
      {
        name: "metadata 9 levels deep through arrays",
        event: ev({ metadata: { a: [[[[[[[[1]]]]]]]] } }),
        status: "rejected",
        reason: "invalid",
        match: /metadata: .*8 levels/,
      },
      {
        name: "an unknown field",
        event: ev({ occuredAt: at() }),
        status: "rejected",
        reason: "invalid",
        match: /occuredAt/,
      },
      {
        name: "kind in the wrong case",
        event: ev({ kind: "Action.Completed" }),
        status: "rejected",
        reason: "invalid",
        match: /kind/,
      },
      {
        name: "tier in the wrong case",
        event: ev({ tier: "Walk" }),
        status: "rejected",
        reason: "invalid",
        match: /tier/,
      },
      {
        name: "missing idempotency key",
        event: Object.fromEntries(Object.entries(ev()).filter(([k]) => k !== "idempotencyKey")),
        status: "rejected",
        reason: "invalid",
        match: /idempotencyKey/,
      },
      {
        name: "an unknown action",
        event: ev({ action: "refund.issue.twice" }),
        status: "rejected",
        reason: "unknown_action",
      },
      {
        name: "another agent's action",
        event: ev({ action: "db.migrate", tier: "CRAWL", kind: "suggestion.accepted" }),
        status: "rejected",
        reason: "unknown_action",
      },
      { name: "constructor", event: ev({ action: "constructor" }), status: "rejected", reason: "unknown_action" },
    ];
    const res = await send(cases.map((c) => c.event));
    expect(res.status).toBe(200);
    const count = (s: Result["status"]) => cases.filter((c) => c.status === s).length;
    expect(res.body).toMatchObject({
      accepted: count("accepted"),
      duplicates: count("duplicate"),
      rejected: count("rejected"),
    });
    cases.forEach((c, i) => {
      const r = res.body.results[i]!;
      expect(r.index, c.name).toBe(i);
      expect(r.status, `${c.name}: ${JSON.stringify(r)}`).toBe(c.status);
      if (c.reason) expect(r.reason, c.name).toBe(c.reason);
      if (c.match) expect(issues(r), c.name).toMatch(c.match);
      const key = (c.event as { idempotencyKey?: string }).idempotencyKey;
      expect(r.idempotencyKey, c.name).toBe(key ?? null);
    });
  });

  it("the same key twice in one batch: the first is accepted, the second is a duplicate", async () => {
    const e = ev();
    const res = await send([e, { ...e }, e]);
    expect(res.body.results.map((r) => r.status)).toEqual(["accepted", "duplicate", "duplicate"]);
  });

  it("a rejected event does not use up its key: corrected, it is accepted", async () => {
    const bad = ev({ kind: "incident" }); // no severity
    expect((await send([bad])).body.results[0]!.status).toBe("rejected");
    expect((await send([{ ...bad, severity: "low" }])).body.results[0]!.status).toBe("accepted");
  });

  it("idempotency keys belong to the agent: another agent's identical key is its own event", async () => {
    const key = `shared-${randomUUID()}`;
    expect((await send([ev({ idempotencyKey: key })], support)).body.accepted).toBe(1);
    const other = await send([ev({ idempotencyKey: key, action: "deploy.rollback" })], infra);
    expect(other.body.results[0]).toMatchObject({ status: "accepted" });
    expect((await send([ev({ idempotencyKey: key, action: "deploy.rollback" })], infra)).body.results[0]!.status).toBe(
      "duplicate",
    );
  });
});

describe("retries", () => {
  it("the same batch sent concurrently stores each event once", async () => {
    const batch = Array.from({ length: 200 }, () => ev());
    const answers = await Promise.all([send(batch), send(batch), send(batch)]);
    for (const a of answers) expect(a.status).toBe(200);
    expect(answers.reduce((n, a) => n + a.body.accepted, 0)).toBe(200);
    expect(answers.reduce((n, a) => n + a.body.duplicates, 0)).toBe(400);
    // each event accepted by exactly one of the three
    batch.forEach((_, i) => expect(answers.filter((a) => a.body.results[i]!.status === "accepted")).toHaveLength(1));
  });

  it("a retried mixed batch gives the same verdicts, with accepted turned into duplicate", async () => {
    const batch = [ev(), ev({ kind: "incident" }), ev(), ev({ action: "nope" }), ev({ occurredAt: at(10 * MIN) })];
    const first = (await send(batch)).body.results.map((r) => r.status);
    const second = (await send(batch)).body.results.map((r) => r.status);
    expect(first).toEqual(["accepted", "rejected", "accepted", "rejected", "rejected"]);
    expect(second).toEqual(["duplicate", "rejected", "duplicate", "rejected", "rejected"]);
  });
});

describe("reverts (issue 11)", () => {
  it("an action.reverted names the action.completed it undoes; in the same batch too; once only; a retry is a duplicate", async () => {
    const done = ev();
    const sameBatch = ev();
    const undo = ev({ kind: "action.reverted", reverts: done.idempotencyKey, occurredAt: at(-MIN / 2) });
    // A revert occurs strictly after what it reverts (lib/gating/reverts.ts): half a minute later here.
    const first = await send([
      done,
      sameBatch,
      ev({ kind: "action.reverted", reverts: sameBatch.idempotencyKey, occurredAt: at(-MIN / 2) }),
    ]);
    expect(first.body).toMatchObject({ accepted: 3, rejected: 0 });
    expect((await send([undo])).body).toMatchObject({ accepted: 1, rejected: 0 });
    expect((await send([undo])).body).toMatchObject({ accepted: 0, duplicates: 1, rejected: 0 });
    const twice = await send([ev({ kind: "action.reverted", reverts: done.idempotencyKey })]);
    expect(twice.body.results[0]).toMatchObject({ status: "rejected", reason: "invalid" });
    expect(issues(twice.body.results[0]!)).toMatch(/already reverted/);
    // Only on an action.reverted, and only naming an action.completed of this agent.
    expect(issues((await send([ev({ reverts: done.idempotencyKey })])).body.results[0]!)).toMatch(/reverts/);
    expect(
      issues((await send([ev({ kind: "action.reverted", reverts: "nope-" + randomUUID() })])).body.results[0]!),
    ).toMatch(/names no event/);
    expect(
      (await send([ev({ kind: "action.reverted", reverts: done.idempotencyKey })], infra)).body.results[0],
    ).toMatchObject({ status: "rejected" });
    const fresh = ev();
    await send([fresh]);
    expect(
      issues(
        (await send([ev({ kind: "action.reverted", reverts: fresh.idempotencyKey, occurredAt: at(-10 * MIN) })])).body
          .results[0]!,
      ),
    ).toMatch(/cannot occur before/);
  });

  it("the OpenAPI document describes reverts", async () => {
    const doc = await (await fetch(`${server.baseUrl}/api/v1/openapi.json`)).json();
    expect(doc.components.schemas.OutcomeEvent.properties.reverts).toMatchObject({ type: "string" });
  });
});
