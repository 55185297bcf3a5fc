// Issue 26 item 3: outcome_events is partitioned by month of arrival (declarative partitioning, one
// migration for both backends). The jobs create each month's partition before it begins; an outcome that
// arrives in a month without one lands in the default partition. An idempotency key is still unique across
// months (a retry a month later is a duplicate, not a second outcome). Retention archives a month and then
// drops its partition whole, instead of deleting its rows one batch at a time.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestEvents } from "@/lib/events/mutations";
import { ensureOutcomePartitions } from "@/lib/outcome-partitions/mutations";
import { archiveOutcomes, setRetention } from "@/lib/retention/mutations";
import { outcomes } from "../helpers/fixtures";
import { newSubject, openWorld, stateOf, type World } from "./world";

let w: World;
let dir: string;
beforeAll(async () => {
  w = await openWorld();
  dir = mkdtempSync(path.join(os.tmpdir(), "cwr-partitions-"));
}, 120_000);
afterAll(async () => {
  await w?.database.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = (iso: string) => new Date(iso);
const REASON = "Keep the last month of raw outcomes; older months live in the archive.";

/** The partitions of outcome_events, by name. */
const partitions = async () =>
  (
    await w.db.$queryRawUnsafe<Array<{ name: string }>>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'outcome_events'::regclass ORDER BY 1`,
    )
  ).map((r) => r.name);

/** Where each of an action type's outcomes is stored: partition name → rows. */
const placement = async (actionTypeId: string) =>
  Object.fromEntries(
    (
      await w.db.$queryRawUnsafe<Array<{ part: string; n: number }>>(
        `SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM outcome_events
         WHERE "actionTypeId" = $1::uuid GROUP BY 1 ORDER BY 1`,
        actionTypeId,
      )
    ).map((r) => [r.part, r.n]),
  );

describe("outcome_events by month", () => {
  it("is a table partitioned by range of arrival, with a default partition", async () => {
    const [kind] = await w.db.$queryRawUnsafe<Array<{ kind: string; strategy: string }>>(
      `SELECT c.relkind::text AS kind, p.partstrat::text AS strategy FROM pg_class c
       JOIN pg_partitioned_table p ON p.partrelid = c.oid WHERE c.relname = 'outcome_events'`,
    );
    expect(kind).toEqual({ kind: "p", strategy: "r" });
    expect(await partitions()).toContain("outcome_events_default");
  });

  it("creates this month's and the next two months' partitions, once, whatever the default holds", async () => {
    await ensureOutcomePartitions(w.db, at("2026-02-15T00:00:00Z"));
    await ensureOutcomePartitions(w.db, at("2026-02-20T00:00:00Z"));
    expect(await partitions()).toEqual(
      expect.arrayContaining(["outcome_events_2026_02", "outcome_events_2026_03", "outcome_events_2026_04"]),
    );
    // An outcome received in September, before its partition exists, goes to the default partition;
    // September's partition is then not created over it (that would fail), the next months' are.
    const late = await newSubject(w.db, "low", at("2026-08-01T00:00:00Z"));
    await ingestEvents(
      w.db,
      late.agent,
      outcomes(late.key, "CRAWL", 3, 3, at("2026-09-02T10:00:00Z")),
      at("2026-09-02T10:00:00Z"),
    );
    expect(await placement(late.id)).toEqual({ outcome_events_default: 3 });
    await ensureOutcomePartitions(w.db, at("2026-09-03T00:00:00Z"));
    const names = await partitions();
    expect(names).not.toContain("outcome_events_2026_09");
    expect(names).toEqual(expect.arrayContaining(["outcome_events_2026_10", "outcome_events_2026_11"]));
    expect(await placement(late.id)).toEqual({ outcome_events_default: 3 });
  });

  it("stores each outcome in its month of arrival; a key sent again a month later is a duplicate", async () => {
    const s = await newSubject(w.db, "low", at("2026-02-01T00:00:00Z"));
    const feb = outcomes(s.key, "CRAWL", 10, 9, at("2026-02-28T23:59:00Z"), "feb");
    const first = await ingestEvents(w.db, s.agent, feb, at("2026-02-28T23:59:59.900Z"));
    expect(first).toMatchObject({ accepted: 10, duplicates: 0, rejected: 0 });
    await ingestEvents(
      w.db,
      s.agent,
      outcomes(s.key, "CRAWL", 5, 5, at("2026-03-01T00:10:00Z"), "mar"),
      at("2026-03-01T00:10:00Z"),
    );
    expect(await placement(s.id)).toEqual({ outcome_events_2026_02: 10, outcome_events_2026_03: 5 });

    const before = await stateOf(w.db, s.id);
    const retry = await ingestEvents(w.db, s.agent, feb, at("2026-03-02T08:00:00Z"));
    expect(retry).toMatchObject({ accepted: 0, duplicates: 10, rejected: 0 });
    expect(await placement(s.id)).toEqual({ outcome_events_2026_02: 10, outcome_events_2026_03: 5 });
    expect(await stateOf(w.db, s.id)).toEqual(before);
  });

  it("retention archives a month and drops its partition; the default partition's old rows go in batches", async () => {
    const now = at("2026-04-10T12:00:00Z");
    const feb = await w.db.$queryRawUnsafe<Array<{ line: string }>>(
      `SELECT row_to_json(e)::text AS line FROM outcome_events e
       WHERE e.tableoid = 'outcome_events_2026_02'::regclass ORDER BY e.id`,
    );
    expect(feb.length).toBeGreaterThan(0);
    // keep March and April: February goes
    await setRetention(w.db, w.people.admin, { months: 1, reason: REASON }, now);
    const result = await archiveOutcomes(w.db, { dir, now, batch: 4 });
    expect(result.rows).toBe(feb.length);
    expect(await partitions()).not.toContain("outcome_events_2026_02");
    expect(await partitions()).toContain("outcome_events_2026_03");
    const file = readdirSync(dir).find((f) => f.startsWith("outcome-events-2026-02"))!;
    const lines = gunzipSync(readFileSync(path.join(dir, file)))
      .toString("utf8")
      .split("\n")
      .filter(Boolean);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(feb.map((r) => JSON.parse(r.line) as unknown));
    const audit = await w.db.auditEntry.findFirstOrThrow({
      where: { kind: "events.archived" },
      orderBy: { seq: "desc" },
    });
    expect(audit.data).toMatchObject({ month: "2026-02", rows: feb.length, partition: "dropped" });
  });

  it("an outcome that occurred in an archived month is refused: its key is gone, so it could be counted twice", async () => {
    const s = await newSubject(w.db, "low", at("2026-01-01T00:00:00Z"));
    const before = await stateOf(w.db, s.id);
    // February is archived (above): a February outcome sent now is refused, whatever its key.
    const late = outcomes(s.key, "CRAWL", 3, 3, at("2026-02-20T12:00:00Z"), "late");
    const refused = await ingestEvents(w.db, s.agent, late, at("2026-04-11T09:00:00Z"));
    expect(refused).toMatchObject({ accepted: 0, rejected: 3 });
    expect(refused.results[0]).toMatchObject({ status: "rejected", reason: "archived" });
    expect(String((refused.results[0] as { details?: { message?: string } }).details?.message)).toMatch(
      /before 2026-03-01.*archived/,
    );
    expect(await placement(s.id)).toEqual({});
    expect(await stateOf(w.db, s.id)).toEqual(before);
    // March's are kept: counted as ever.
    const kept = outcomes(s.key, "CRAWL", 2, 2, at("2026-03-20T12:00:00Z"), "kept");
    expect(await ingestEvents(w.db, s.agent, kept, at("2026-04-11T09:00:00Z"))).toMatchObject({ accepted: 2 });
  });
});
