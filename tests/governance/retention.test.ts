// Issue 26 item 3: events that age well. A retention setting (months to keep; admin only, audited;
// absent = keep everything) archives the outcomes received before the kept months to gzip-compressed
// NDJSON files and removes them, in batches. Across a month boundary: the gates (the stored evidence
// state and tier), the charts (rollups), the audit and the replay of the kept period are unchanged,
// the replay says from which date it has outcomes, and the archive holds exactly the removed rows.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveOutcomes, setRetention } from "@/lib/retention/mutations";
import { retentionSetting } from "@/lib/retention/data";
import { replayActionType } from "@/lib/replay/data";
import { replaySummary } from "@/lib/replay/summary";
import { replaySentence } from "@/lib/replay/sentence";
import { currentPolicy } from "@/lib/policies/data";
import { feed, newSubject, openWorld, refusedWithoutEffect, stateOf, type World } from "./world";

let w: World;
let dir: string;
beforeAll(async () => {
  w = await openWorld();
  dir = mkdtempSync(path.join(os.tmpdir(), "cwr-archive-"));
}, 120_000);
afterAll(async () => {
  await w?.database.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date("2026-06-10T12:00:00.000Z");
const at = (iso: string) => new Date(iso);
const REASON = "Keep a year and a bit of raw outcomes; the rest lives in the archive.";

/** Every stored column, as the database renders it (what the archive must hold, line for line). */
const rowsAsJson = async (where: string) =>
  (
    await w.db.$queryRawUnsafe<Array<{ line: string }>>(
      `SELECT row_to_json(e)::text AS line FROM outcome_events e WHERE ${where} ORDER BY e.id`,
    )
  ).map((r) => JSON.parse(r.line) as Record<string, unknown>);

const rollups = (actionTypeId: string) =>
  w.db.metricRollup.findMany({ where: { actionTypeId }, orderBy: [{ day: "asc" }, { tier: "asc" }] });

const auditBefore = async (seq: bigint) =>
  w.db.auditEntry.findMany({ where: { seq: { lte: seq } }, orderBy: { seq: "asc" } });

describe("outcome retention", () => {
  it("is an admin setting, audited, checked; absent keeps everything", async () => {
    expect(await retentionSetting(w.db)).toMatchObject({ months: null, archivedBefore: null });
    const s = await newSubject(w.db, "low", at("2026-01-01T00:00:00Z"));
    await feed(w.db, s, "CRAWL", 5, 5, at("2026-01-15T10:00:00Z"));
    // no setting: nothing is archived, whatever the age
    expect(await archiveOutcomes(w.db, { dir, now: NOW })).toMatchObject({ rows: 0 });
    expect(await w.db.outcomeEvent.count({ where: { actionTypeId: s.id } })).toBe(5);

    await refusedWithoutEffect(
      w.db,
      s.id,
      () => setRetention(w.db, w.people.reviewer1, { months: 3, reason: REASON }, NOW),
      "forbidden",
      403,
    );
    for (const months of [0, -1, 1.5, 1000])
      await refusedWithoutEffect(
        w.db,
        s.id,
        () => setRetention(w.db, w.people.admin, { months, reason: REASON }, NOW),
        "validation_failed",
        422,
      );
    expect(await retentionSetting(w.db)).toMatchObject({ months: null });
  });

  it("archives whole months before the kept ones to gzip NDJSON and removes them; gates, charts, audit and the kept replay are unchanged", async () => {
    // One action type across the April → May boundary, one with May and June only.
    const s = await newSubject(w.db, "low", at("2026-03-20T00:00:00Z"));
    const recent = await newSubject(w.db, "low", at("2026-03-20T00:00:00Z"));
    await feed(w.db, s, "CRAWL", 40, 38, at("2026-03-31T23:30:00Z"));
    await feed(w.db, s, "CRAWL", 30, 29, at("2026-04-30T23:59:00Z"));
    await feed(w.db, s, "CRAWL", 30, 30, at("2026-05-01T00:30:00Z"));
    await feed(w.db, s, "CRAWL", 25, 24, at("2026-06-02T09:00:00Z"));
    await feed(w.db, recent, "CRAWL", 20, 19, at("2026-05-03T09:00:00Z"));
    await feed(w.db, recent, "CRAWL", 20, 20, at("2026-06-03T09:00:00Z"));

    const cut = "'2026-05-01T00:00:00Z'::timestamptz";
    const dropped = await rowsAsJson(`e."receivedAt" < ${cut}`);
    expect(dropped.length).toBeGreaterThanOrEqual(70);
    const kept = await rowsAsJson(`e."receivedAt" >= ${cut}`);
    const before = {
      s: await stateOf(w.db, s.id),
      recent: await stateOf(w.db, recent.id),
      rollups: [await rollups(s.id), await rollups(recent.id)],
      replayRecent: await replayActionType(w.db, recent.id, { promote: "as_recorded", now: NOW }),
    };
    const lastSeq = (await w.db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } })).seq;
    const audit = await auditBefore(lastSeq);

    // keep May and June (one whole month before the current one): March and April go
    await setRetention(w.db, w.people.admin, { months: 1, reason: REASON }, NOW);
    const setEntry = await w.db.auditEntry.findFirstOrThrow({ where: { kind: "events.retention_set" } });
    expect(setEntry.data).toMatchObject({ from: null, to: 1 });
    const result = await archiveOutcomes(w.db, { dir, now: NOW, batch: 7 });
    expect(result).toMatchObject({ rows: dropped.length, archivedBefore: "2026-05-01T00:00:00.000Z" });

    // the archive: gzip NDJSON files whose lines are exactly the removed rows
    const files = readdirSync(dir).filter((f) => f.endsWith(".ndjson.gz"));
    // one per month received before May (January's rows come from the first test)
    expect(files.map((f) => f.slice("outcome-events-".length, "outcome-events-".length + 7)).sort()).toEqual([
      "2026-01",
      "2026-03",
      "2026-04",
    ]);
    const archived = files.sort().flatMap((f) =>
      gunzipSync(readFileSync(path.join(dir, f)))
        .toString("utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
    expect(archived).toEqual(dropped);
    expect(await rowsAsJson(`e."receivedAt" < ${cut}`)).toEqual([]);
    expect(await rowsAsJson("true")).toEqual(kept);

    // gates and charts read the stored state and the rollups: unchanged
    const keptOfS = kept.filter((r) => r.actionTypeId === s.id).length;
    expect(await stateOf(w.db, s.id)).toEqual({ ...before.s, events: keptOfS, audit: expect.any(Number) });
    expect(await stateOf(w.db, recent.id)).toEqual({ ...before.recent, audit: expect.any(Number) });
    expect([await rollups(s.id), await rollups(recent.id)]).toEqual(before.rollups);
    // the audit: every earlier entry as it was, plus the archive's own entries
    expect(await auditBefore(lastSeq)).toEqual(audit);
    const archivedEntries = await w.db.auditEntry.findMany({ where: { kind: "events.archived" } });
    expect(archivedEntries.map((e) => (e.data as { rows: number }).rows).reduce((a, b) => a + b, 0)).toBe(
      dropped.length,
    );

    // the replay: the kept period as before, and it says from when it has outcomes
    const replayRecent = await replayActionType(w.db, recent.id, { promote: "as_recorded", now: NOW });
    expect(replayRecent).toEqual({ ...before.replayRecent, outcomesFrom: "2026-05-01T00:00:00.000Z" });
    const replayS = await replayActionType(w.db, s.id, { promote: "as_recorded", now: NOW });
    expect(replayS.outcomes).toBe(keptOfS);
    const policy = await currentPolicy(w.db, s.id);
    const summary = await replaySummary(w.db, s.id, policy.rules, NOW);
    expect(summary.outcomesFrom).toBe("2026-05-01T00:00:00.000Z");
    expect(replaySentence(summary)).toContain("outcomes from 2026-05-01 on; earlier ones archived");

    // again: nothing more to archive, nothing removed
    expect(await archiveOutcomes(w.db, { dir, now: NOW, batch: 7 })).toMatchObject({ rows: 0 });
    expect(await rowsAsJson("true")).toEqual(kept);
    expect(await retentionSetting(w.db)).toMatchObject({ months: 1, archivedBefore: new Date("2026-05-01T00:00:00Z") });
  });
});
