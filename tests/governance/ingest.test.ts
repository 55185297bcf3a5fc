// Outcome ingestion (SPEC §2 Outcome event, §4 input rules): each event answered on its own, stored
// once per idempotency key, daily rollups equal to a recount of the raw events, a new agent version
// restarts the promotion evidence, concurrent retries never double-count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestEvents, type EventResult } from "@/lib/events/mutations";
import { fromDbKind } from "@/lib/events/schema";
import { outcomeOf } from "@cwr/gating";
import { dayOf } from "@/lib/metrics/mutations";
import { openPromotionRequest } from "@/lib/requests/mutations";
import { outcomes } from "../helpers/fixtures";
import { NOW, daysAgo, feed, later, newSubject, openWorld, refused, type Subject, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => {
  await w?.database.close();
});

const at = (ms = -60_000) => later(ms).toISOString();
const ok = (s: Subject, key: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  action: s.key,
  kind: "suggestion.accepted",
  tier: "CRAWL",
  occurredAt: at(),
  agentVersion: "v1",
  ...extra,
});

function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) v = { n: v };
  return v;
}

/** Rollups of one action type must equal a recount of its raw events (per tier and UTC day). */
async function expectRollupsMatchRecount(actionTypeId: string) {
  const events = await w.db.outcomeEvent.findMany({
    where: { actionTypeId },
    select: { kind: true, tier: true, occurredAt: true },
  });
  const recount = new Map<string, { successes: number; failures: number; incidents: number }>();
  for (const e of events) {
    const key = `${e.tier}|${dayOf(e.occurredAt)}`;
    const c = recount.get(key) ?? { successes: 0, failures: 0, incidents: 0 };
    const kind = fromDbKind(e.kind);
    const o = outcomeOf(kind, e.tier);
    if (o === "success") c.successes++;
    if (o === "failure") c.failures++;
    if (kind === "incident") c.incidents++;
    recount.set(key, c);
  }
  const rollups = await w.db.metricRollup.findMany({ where: { actionTypeId } });
  const stored = new Map(
    rollups.map((r) => [
      `${r.tier}|${dayOf(r.day)}`,
      { successes: r.successes, failures: r.failures, incidents: r.incidents },
    ]),
  );
  expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(recount));
  return events.length;
}

const reasonOf = (r: EventResult | undefined) => (r && r.status === "rejected" ? r.reason : r?.status);
const pathsOf = (r: EventResult | undefined) =>
  r && r.status === "rejected"
    ? ((r.details as { issues?: Array<{ path: string }> })?.issues ?? []).map((i) => i.path)
    : [];

describe("ingest: every event is answered on its own", () => {
  it("accepts the valid events and rejects each invalid one with its reason, storing only the accepted", async () => {
    const s = await newSubject(w.db);
    const batch: unknown[] = [
      ok(s, "good-1"),
      ok(s, "bad-kind", { kind: "Suggestion.Accepted" }),
      ok(s, "unknown-action", { action: "nope.nothing" }),
      ok(s, "constructor", { action: "constructor" }),
      ok(s, "proto", { action: "__proto__" }),
      ok(s, "future", { occurredAt: later(6 * 60_000).toISOString() }),
      ok(s, "near-future", { occurredAt: later(4 * 60_000).toISOString() }),
      ok(s, "no-zone", { occurredAt: "2026-06-01T11:00:00" }),
      ok(s, "unknown-field", { agent_version: "v2" }),
      ok(s, "incident-no-severity", { kind: "incident" }),
      ok(s, "severity-on-success", { severity: "low" }),
      ok(s, "meta-big", { metadata: { blob: "x".repeat(8 * 1024) } }),
      ok(s, "meta-deep", { metadata: nested(9) }),
      ok(s, "meta-8-deep", { metadata: nested(8) }),
      ok(s, "bad-tier", { tier: "crawl" }),
      ok(s, "good-1"), // repeated inside the batch
      JSON.parse(
        `{"__proto__": {"polluted": true}, "idempotencyKey": "proto-field", "action": "${s.key}", "kind": "suggestion.accepted", "tier": "CRAWL", "occurredAt": "${at()}"}`,
      ),
      "not an object",
    ];
    const res = await ingestEvents(w.db, s.agent, batch, NOW);
    const by = (key: string) => res.results.find((r) => r.idempotencyKey === key);

    expect(res.results).toHaveLength(batch.length);
    res.results.forEach((r, i) => expect(r.index).toBe(i));
    expect(reasonOf(by("good-1"))).toBe("accepted");
    expect(reasonOf(res.results[15])).toBe("duplicate");
    expect(reasonOf(by("near-future"))).toBe("accepted");
    expect(reasonOf(by("meta-8-deep"))).toBe("accepted");

    expect(reasonOf(by("bad-kind"))).toBe("invalid");
    expect(pathsOf(by("bad-kind"))).toEqual(["kind"]);
    expect(reasonOf(by("bad-tier"))).toBe("invalid");
    expect(reasonOf(by("unknown-action"))).toBe("unknown_action");
    expect(reasonOf(by("constructor"))).toBe("unknown_action"); // just an unknown key
    expect(reasonOf(by("proto"))).toBe("invalid"); // not even a well-formed key
    expect(pathsOf(by("proto"))).toEqual(["action"]);
    expect(reasonOf(by("future"))).toBe("invalid");
    expect(pathsOf(by("future"))).toEqual(["occurredAt"]);
    expect(reasonOf(by("no-zone"))).toBe("invalid");
    expect(pathsOf(by("no-zone"))).toEqual(["occurredAt"]);
    expect(reasonOf(by("unknown-field"))).toBe("invalid");
    expect(reasonOf(by("incident-no-severity"))).toBe("invalid");
    expect(pathsOf(by("incident-no-severity"))).toEqual(["severity"]);
    expect(reasonOf(by("severity-on-success"))).toBe("invalid");
    expect(reasonOf(by("meta-big"))).toBe("invalid");
    expect(pathsOf(by("meta-big"))).toEqual(["metadata"]);
    expect(reasonOf(by("meta-deep"))).toBe("invalid");
    expect(pathsOf(by("meta-deep"))).toEqual(["metadata"]);
    expect(reasonOf(by("proto-field"))).toBe("invalid"); // an own "__proto__" field is an unknown field
    expect(reasonOf(res.results[17])).toBe("invalid");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    expect(res).toMatchObject({ accepted: 3, duplicates: 1, rejected: 14 });
    const stored = await w.db.outcomeEvent.findMany({
      where: { actionTypeId: s.id },
      select: { idempotencyKey: true },
    });
    expect(stored.map((e) => e.idempotencyKey).sort()).toEqual(["good-1", "meta-8-deep", "near-future"]);
    await expectRollupsMatchRecount(s.id);
  });

  it("a batch of more than 1,000 events is refused whole (413) and stores nothing", async () => {
    const s = await newSubject(w.db);
    const batch = outcomes(s.key, "CRAWL", 1001, 1001, NOW);
    await refused(ingestEvents(w.db, s.agent, batch, NOW), "payload_too_large", 413);
    expect(await w.db.outcomeEvent.count({ where: { actionTypeId: s.id } })).toBe(0);
  });

  it("an action key of another agent is unknown to this one", async () => {
    const mine = await newSubject(w.db);
    const theirs = await newSubject(w.db);
    const res = await ingestEvents(w.db, mine.agent, [ok(theirs, "cross-agent")], NOW);
    expect(reasonOf(res.results[0])).toBe("unknown_action");
    expect(await w.db.outcomeEvent.count({ where: { actionTypeId: theirs.id } })).toBe(0);
  });
});

describe("ingest: idempotency, rollups, evidence", () => {
  it("the same idempotency key across batches is stored once; rollups and evidence count it once", async () => {
    const s = await newSubject(w.db);
    const batch = outcomes(s.key, "CRAWL", 40, 30, NOW, "retry");
    const first = await ingestEvents(w.db, s.agent, batch, NOW);
    expect(first).toMatchObject({ accepted: 40, duplicates: 0 });
    const retry = await ingestEvents(
      w.db,
      s.agent,
      [...batch.slice(20), ...outcomes(s.key, "CRAWL", 5, 5, NOW, "fresh")],
      NOW,
    );
    expect(retry).toMatchObject({ accepted: 5, duplicates: 20, rejected: 0 });
    expect(retry.results.slice(0, 20).every((r) => r.status === "duplicate")).toBe(true);
    expect(await expectRollupsMatchRecount(s.id)).toBe(45);
    expect(await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
      evidenceTrials: 45,
      evidenceSuccesses: 35,
    });
  });

  it("rollups equal a recount across tiers, days, families and incidents", async () => {
    const s = await newSubject(w.db, "low", daysAgo(30));
    await feed(w.db, s, "CRAWL", 30, 20, daysAgo(3));
    await feed(w.db, s, "CRAWL", 25, 5, daysAgo(1));
    await feed(w.db, s, "WALK", 10, 7, NOW); // another tier's events count in that tier's rollup only
    await ingestEvents(
      w.db,
      s.agent,
      [
        { idempotencyKey: "inc", action: s.key, kind: "incident", severity: "low", tier: "CRAWL", occurredAt: at() },
        { idempotencyKey: "edit", action: s.key, kind: "suggestion.edited", tier: "CRAWL", occurredAt: at() },
        { idempotencyKey: "wrong-family", action: s.key, kind: "outcome.positive", tier: "CRAWL", occurredAt: at() },
      ],
      NOW,
    );
    expect(await expectRollupsMatchRecount(s.id)).toBe(68);
    // The promotion evidence counts CRAWL's own family only.
    expect(await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
      evidenceTrials: 56,
      evidenceSuccesses: 25,
    });
  });

  it("an event that states no agentVersion (a human tool's report) does not restart the evidence", async () => {
    const s = await newSubject(w.db, "low", daysAgo(30));
    await feed(w.db, s, "CRAWL", 30, 30, later(-3_600_000), "v1");
    const human = outcomes(s.key, "CRAWL", 5, 5, NOW, "human").map((e) => {
      const unversioned: Partial<typeof e> = { ...e };
      delete unversioned.agentVersion;
      return unversioned;
    });
    expect((await ingestEvents(w.db, s.agent, human, NOW)).accepted).toBe(5);
    await feed(w.db, s, "CRAWL", 5, 5, later(60_000, NOW), "v1");
    expect(await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
      evidenceTrials: 40,
      evidenceSuccesses: 40,
      agentVersion: "v1",
    });
  });

  it("two concurrent batches with overlapping keys store each key once and rollups equal a recount", async () => {
    const s = await newSubject(w.db);
    const all = outcomes(s.key, "CRAWL", 150, 120, NOW, "race");
    const a = all.slice(0, 100);
    const b = all.slice(50); // keys 50..99 in both
    const [ra, rb] = await Promise.all([ingestEvents(w.db, s.agent, a, NOW), ingestEvents(w.db, s.agent, b, NOW)]);
    expect(ra.accepted + rb.accepted).toBe(150);
    expect(ra.duplicates + rb.duplicates).toBe(50);
    for (const key of a.slice(50).map((e) => e.idempotencyKey)) {
      const statuses = [
        ra.results.find((r) => r.idempotencyKey === key)!.status,
        rb.results.find((r) => r.idempotencyKey === key)!.status,
      ].sort();
      expect(statuses).toEqual(["accepted", "duplicate"]);
    }
    const grouped = await w.db.outcomeEvent.groupBy({
      by: ["idempotencyKey"],
      where: { actionTypeId: s.id },
      _count: true,
    });
    expect(grouped).toHaveLength(150);
    expect(grouped.every((g) => g._count === 1)).toBe(true);
    expect(await expectRollupsMatchRecount(s.id)).toBe(150);
    expect(await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
      evidenceTrials: 150,
      evidenceSuccesses: 120,
    });
  });

  it("a new agentVersion restarts the promotion evidence, so a new model must earn the bar again", async () => {
    const s = await newSubject(w.db, "low", daysAgo(30));
    await feed(w.db, s, "CRAWL", 60, 60, later(-2 * 3_600_000), "model-a");
    expect(await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
      evidenceTrials: 60,
      agentVersion: "model-a",
    });

    await feed(w.db, s, "CRAWL", 10, 10, NOW, "model-b");
    const at2 = await w.db.actionType.findUniqueOrThrow({ where: { id: s.id } });
    expect(at2).toMatchObject({ evidenceTrials: 10, evidenceSuccesses: 10, agentVersion: "model-b" });
    expect(at2.evidenceSince.getTime()).toBeGreaterThan(later(-3_600_000 - 1).getTime());

    const err = await refused(
      openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW),
      "not_eligible",
    );
    expect((err.details as { unmet: Array<{ code: string }> }).unmet.map((u) => u.code)).toContain("samples");
    // The window shown to people still holds both versions' outcomes.
    expect(await expectRollupsMatchRecount(s.id)).toBe(70);
  });
});
