// Outcome retention (issue 26 item 3): the admin setting (months to keep; none keeps everything) and
// the job that applies it (lib/jobs.ts). Outcomes received before the kept months (lib/gating/retention.ts) are
// written, a month at a time, to a gzip-compressed NDJSON file (one stored row per line, as the
// database renders it; lib/retention/archive-file.ts), complete on disk before any row is removed; then the
// month's partition of outcome_events is dropped whole (lib/outcome-partitions/mutations.ts), or, where the month has
// none (its rows in the default partition) or the drop could not have its lock in time, its rows are removed
// in batches (each a short statement: agents' ingest never waits long). The month's idempotency keys go
// with it, in batches. One audit entry per month records the file, its SHA-256 and how the rows went. The gates read the stored evidence
// state and the charts the rollups, so removing raw rows changes neither; the replay says from which
// date it has outcomes (archivedBefore).
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Db } from "@/lib/db";
import { can } from "@cwr/gating/permissions";
import { rationaleProblem } from "@cwr/gating/rationale";
import { monthOf, retentionCutoff, retentionProblem } from "@cwr/gating/retention";
import { appendAudit, SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { AppError, domainError, forbidden } from "@/lib/errors";
import { dropMonthPartition, monthPartitionsBefore } from "@/lib/outcome-partitions/mutations";
import { openArchiveFile } from "./archive-file";
import { retentionSetting } from "./data";

/** Rows read and removed per statement. */
export const ARCHIVE_BATCH = 5_000;

/** The configured archive folder (OUTCOME_ARCHIVE_DIR), else .data/outcome-archive. */
export const archiveDir = () => process.env.OUTCOME_ARCHIVE_DIR || path.join(process.cwd(), ".data", "outcome-archive");

export async function setRetention(
  db: Db,
  user: UserPrincipal,
  input: { months: number | null; reason: string },
  now = new Date(),
) {
  if (!can(user.role, "admin:manage")) throw forbidden("Only admins set how long outcomes are kept.");
  const problem = retentionProblem(input.months);
  if (problem) throw new AppError("validation_failed", `The retention is not valid: ${problem}.`, { months: problem });
  const reason = input.reason.trim();
  const short = rationaleProblem(reason, "reason");
  if (short) throw domainError({ code: "rationale_too_short", message: short });
  return db.$transaction(async (tx) => {
    const before = await tx.outcomeRetention.findUnique({ where: { id: 1 }, select: { months: true } });
    await tx.outcomeRetention.upsert({
      where: { id: 1 },
      create: { id: 1, months: input.months, updatedAt: now },
      update: { months: input.months, updatedAt: now },
    });
    await appendAudit(
      tx,
      {
        actor: userActor(user),
        kind: "events.retention_set",
        entityType: "outcome_retention",
        entityId: "1",
        data: { from: before?.months ?? null, to: input.months, reason },
      },
      now,
    );
    return { months: input.months };
  });
}

interface Line {
  r: Date;
  id: string;
  line: string;
}

// Keyset walk on (receivedAt, id): an index range scan, never a sort of the month.
const READ_SQL = `SELECT e."receivedAt" AS r, e.id::text AS id, row_to_json(e)::text AS line FROM outcome_events e
  WHERE (e."receivedAt", e.id) > ($1::timestamptz, $2::bigint) AND e."receivedAt" < $3::timestamptz
  ORDER BY e."receivedAt", e.id LIMIT $4`;
const DELETE_SQL = `DELETE FROM outcome_events WHERE ("receivedAt", id) IN (SELECT e."receivedAt", e.id FROM outcome_events e
  WHERE e."receivedAt" >= $1::timestamptz AND e."receivedAt" < $2::timestamptz
    AND (e."receivedAt", e.id) <= ($3::timestamptz, $4::bigint) LIMIT $5)`;
const DELETE_KEYS_SQL = `DELETE FROM outcome_event_keys WHERE ("agentId", "idempotencyKey") IN (
  SELECT k."agentId", k."idempotencyKey" FROM outcome_event_keys k
  WHERE k."receivedAt" >= $1::timestamptz AND k."receivedAt" < $2::timestamptz LIMIT $3)`;

/** Runs a batched DELETE until a batch removes fewer than `batch` rows. */
async function deleteInBatches(db: Db, sql: string, args: unknown[], batch: number) {
  for (;;) {
    const removed = await db.$executeRawUnsafe(sql, ...args, batch);
    if (removed < batch) return;
  }
}

/** Writes the rows received in [start, end) to one gzip NDJSON file, then removes them; null when there were none. */
async function archiveMonth(
  db: Db,
  dir: string,
  label: string,
  start: Date,
  end: Date,
  batch: number,
  now: Date,
): Promise<ArchivedMonth | null> {
  const began = performance.now();
  const file = openArchiveFile(dir, label);
  let after = { r: new Date(start.getTime() - 1), id: "0" };
  let first: string | null = null;
  let rows = 0;
  for (;;) {
    const page = await db.$queryRawUnsafe<Line[]>(READ_SQL, after.r, after.id, end, batch);
    for (const l of page) await file.write(l.line);
    rows += page.length;
    if (page.length) {
      first ??= page[0]!.id;
      after = { r: page.at(-1)!.r, id: page.at(-1)!.id };
    }
    if (page.length < batch) break;
  }
  if (rows === 0) {
    await file.discard();
    return null;
  }
  const name = `outcome-events-${label}-${first}-${after.id}.ndjson.gz`;
  const sha256 = await file.commit(name);
  const written = performance.now();

  // The month's partition holds exactly [start, end): dropped whole. Else (the default partition's rows,
  // or no lock in time) row by row, up to the last row archived.
  const dropped = end.getTime() === monthOf(start.getTime()).end && (await dropMonthPartition(db, label));
  if (!dropped) await deleteInBatches(db, DELETE_SQL, [start, end, after.r, after.id], batch);
  await deleteInBatches(db, DELETE_KEYS_SQL, [start, end], batch);
  const removed = performance.now();
  await db.$transaction(async (tx) => {
    await appendAudit(
      tx,
      {
        actor: SYSTEM_ACTOR,
        kind: "events.archived",
        entityType: "outcome_retention",
        entityId: "1",
        data: {
          month: label,
          rows,
          file: name,
          sha256,
          firstId: first!,
          lastId: after.id,
          partition: dropped ? "dropped" : "rows deleted",
        },
      },
      now,
    );
  });
  return {
    month: label,
    file: name,
    rows,
    sha256,
    removedBy: dropped ? "dropped" : "rows deleted",
    writeMs: Math.round(written - began),
    removeMs: Math.round(removed - written),
  };
}

export interface ArchivedMonth {
  month: string;
  file: string;
  rows: number;
  sha256: string;
  /** the month's partition dropped whole, or its rows deleted in batches */
  removedBy: "dropped" | "rows deleted";
  /** reading the rows and writing the file; removing the rows and their keys */
  writeMs: number;
  removeMs: number;
}

/** Applies the retention setting at `now`: archives and removes every month before the kept ones. */
export async function archiveOutcomes(
  db: Db,
  options: { dir?: string; now?: Date; batch?: number } = {},
): Promise<{ rows: number; files: string[]; months: ArchivedMonth[]; archivedBefore: string | null }> {
  const { dir = archiveDir(), now = new Date(), batch = ARCHIVE_BATCH } = options;
  const setting = await retentionSetting(db);
  const result = {
    rows: 0,
    files: [] as string[],
    months: [] as ArchivedMonth[],
    archivedBefore: setting.archivedBefore?.toISOString() ?? null,
  };
  if (setting.months === null) return result;
  const cutoff = new Date(retentionCutoff(now.getTime(), setting.months));
  for (;;) {
    const oldest = await db.outcomeEvent.findFirst({
      where: { receivedAt: { lt: cutoff } },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      select: { receivedAt: true },
    });
    if (!oldest) break;
    const month = monthOf(oldest.receivedAt.getTime());
    const end = new Date(Math.min(month.end, cutoff.getTime()));
    const done = await archiveMonth(db, dir, month.label, new Date(month.start), end, batch, now);
    if (!done) break;
    result.rows += done.rows;
    result.files.push(done.file);
    result.months.push(done);
  }
  // Partitions of archived months left empty (their drop found no lock in time) go when they can.
  for (const label of await monthPartitionsBefore(db, cutoff)) await dropMonthPartition(db, label);
  if (!setting.archivedBefore || setting.archivedBefore < cutoff) {
    await db.outcomeRetention.update({ where: { id: 1 }, data: { archivedBefore: cutoff } });
    result.archivedBefore = cutoff.toISOString();
  }
  return result;
}
