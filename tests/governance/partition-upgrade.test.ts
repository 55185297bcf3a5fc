// Issue 26 item 3, the upgrade: a database that already holds outcomes in the unpartitioned
// outcome_events is migrated to the monthly partitions with every row as it was (same ids, same columns,
// each in its month's partition), every idempotency key still known (a retry of an old outcome is a
// duplicate) and the id sequence carrying on.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/db/generated/client";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from "@/lib/db/migrator";
import { pgliteExecutor } from "@/lib/db/sql";
import { ingestEvents } from "@/lib/events/mutations";
import { makeActionType, makeAgent, outcomes } from "../helpers/fixtures";

const PARTITIONING = readdirSync(DEFAULT_MIGRATIONS_DIR).find((d) => d.endsWith("_outcome_events_by_month"))!;

let pglite: PGlite;
let db: PrismaClient;
let before: string;
beforeAll(async () => {
  // The migrations up to the one before the partitioning.
  before = mkdtempSync(path.join(os.tmpdir(), "cwr-migrations-"));
  for (const d of readdirSync(DEFAULT_MIGRATIONS_DIR))
    if (d < PARTITIONING) cpSync(path.join(DEFAULT_MIGRATIONS_DIR, d), path.join(before, d), { recursive: true });
  pglite = await PGlite.create();
  await applyMigrations(pgliteExecutor(pglite), { migrationsDir: before });
  db = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  await pglite?.close();
  rmSync(before, { recursive: true, force: true });
});

const rows = async () =>
  (
    await pglite.query<{ line: string }>(`SELECT row_to_json(e)::text AS line FROM outcome_events e ORDER BY e.id`)
  ).rows.map((r) => JSON.parse(r.line) as Record<string, unknown>);

describe("migrating stored outcomes to monthly partitions", () => {
  it("keeps every row, its id and its key; each lands in its month's partition", async () => {
    const agent = await makeAgent(db, new Date("2026-01-01T00:00:00Z"));
    const at = await makeActionType(db, agent.id, "low", new Date("2026-01-01T00:00:00Z"));
    // Old-schema rows, written as the old ingest wrote them, across three months.
    const stored = [
      { key: "jan-1", received: "2026-01-20T10:00:00Z" },
      { key: "feb-1", received: "2026-02-28T23:59:59.999Z" },
      { key: "mar-1", received: "2026-03-01T00:00:00Z" },
      { key: "mar-2", received: "2026-03-05T08:00:00Z" },
    ];
    for (const s of stored)
      await pglite.query(
        `INSERT INTO outcome_events ("agentId", "actionTypeId", kind, tier, "occurredAt", "receivedAt", "idempotencyKey", "agentVersion", source)
         VALUES ($1, $2, 'suggestion.accepted', 'CRAWL', $3, $3, $4, 'v1', 'agent')`,
        [agent.id, at.id, s.received, s.key],
      );
    const old = await rows();
    expect(old).toHaveLength(4);

    await applyMigrations(pgliteExecutor(pglite));

    expect(await rows()).toEqual(old);
    const placed = await pglite.query<{ key: string; part: string }>(
      `SELECT "idempotencyKey" AS key, tableoid::regclass::text AS part FROM outcome_events ORDER BY id`,
    );
    expect(placed.rows).toEqual([
      { key: "jan-1", part: "outcome_events_2026_01" },
      { key: "feb-1", part: "outcome_events_2026_02" },
      { key: "mar-1", part: "outcome_events_2026_03" },
      { key: "mar-2", part: "outcome_events_2026_03" },
    ]);
    const keys = await pglite.query<{ key: string }>(
      `SELECT "idempotencyKey" AS key FROM outcome_event_keys ORDER BY 1`,
    );
    expect(keys.rows.map((r) => r.key)).toEqual(["feb-1", "jan-1", "mar-1", "mar-2"]);

    // A retry of an old outcome is a duplicate; a new one follows the old ids.
    const retry = outcomes(at.key, "CRAWL", 1, 1, new Date("2026-01-20T10:00:00Z")).map((e) => ({
      ...e,
      idempotencyKey: "jan-1",
    }));
    const now = new Date();
    expect(await ingestEvents(db, agent, retry, now)).toMatchObject({ accepted: 0, duplicates: 1 });
    const fresh = outcomes(at.key, "CRAWL", 1, 1, now, "new");
    expect(await ingestEvents(db, agent, fresh, now)).toMatchObject({ accepted: 1, duplicates: 0 });
    const ids = (await rows()).map((r) => Number(r.id));
    expect(ids).toHaveLength(5);
    expect(ids[4]).toBeGreaterThan(Math.max(...ids.slice(0, 4)));
  });
});
