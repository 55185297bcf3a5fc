// outcome_events' monthly partitions (prisma/migrations/*_outcome_events_by_month): outcome_events_YYYY_MM
// holds the outcomes received in that UTC month, outcome_events_default whatever arrives in a month without
// one. The jobs create the coming months' partitions ahead of time; retention drops an archived month's.
// DDL on the parent takes its strongest lock: each statement waits at most LOCK_TIMEOUT for it (an
// agent's ingest then never queues long behind us) and is tried again at the next run when it could not.
import type { Db } from "@/lib/db";
import { monthOf } from "@cwr/gating/retention";
import { errorCodes } from "@/lib/errors";

/** Months created ahead of the current one, so none begins without its partition. */
export const MONTHS_AHEAD = 2;
const LOCK_TIMEOUT = "2s";
/**
 * What makes a partition change wait for the next run: no lock in time (55P03); another instance made the
 * same partition meanwhile (42P07); an outcome of that month reached the default partition since the
 * function looked (23514).
 */
const NOT_NOW = new Set(["55P03", "42P07", "23514"]);

/** The partition of the month labelled "2026-04". */
export const partitionName = (label: string) => `outcome_events_${label.replace("-", "_")}`;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Runs one of the owner's partition functions (the migration's cwr_*_outcome_partition) with a bounded wait
 * for the parent's lock. True when it made its change; false when there was nothing to do or no lock in time.
 */
async function partitionDdl(db: Db, fn: "cwr_create_outcome_partition" | "cwr_drop_outcome_partition", month: number) {
  try {
    return await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      const [row] = await tx.$queryRawUnsafe<Array<{ done: boolean }>>(
        `SELECT ${fn}($1::timestamptz) AS done`,
        iso(month),
      );
      return row?.done === true;
    });
  } catch (error) {
    if (errorCodes(error).some((c) => NOT_NOW.has(c))) return false;
    throw error;
  }
}

/**
 * Creates the partitions of the months from `from`'s (default: now's) to MONTHS_AHEAD after now's, where
 * missing. A month whose outcomes already sit in the default partition keeps them there (its partition
 * cannot be made over them); retention removes them in batches when their time comes.
 * Returns the partitions created.
 */
export async function ensureOutcomePartitions(db: Db, now: Date, from: Date = now): Promise<string[]> {
  const existing = new Set(await monthPartitions(db));
  const created: string[] = [];
  const current = new Date(monthOf(now.getTime()).start);
  const end = Date.UTC(current.getUTCFullYear(), current.getUTCMonth() + MONTHS_AHEAD, 1);
  for (let m = monthOf(from.getTime()); m.start <= end; m = monthOf(m.end)) {
    if (existing.has(m.label)) continue;
    if (await partitionDdl(db, "cwr_create_outcome_partition", m.start)) created.push(partitionName(m.label));
  }
  return created;
}

/** Drops an archived month's partition; false when it has none or its lock was not had in time. */
export const dropMonthPartition = (db: Db, label: string) =>
  partitionDdl(db, "cwr_drop_outcome_partition", Date.parse(`${label}-01T00:00:00Z`));

/** The labels ("2026-04") of the months that have a partition, oldest first. */
async function monthPartitions(db: Db): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<Array<{ name: string }>>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'outcome_events'::regclass AND c.relname ~ '^outcome_events_[0-9]{4}_[0-9]{2}$'`,
  );
  return rows.map((r) => r.name.slice("outcome_events_".length).replace("_", "-")).sort();
}

/** The labels of the month partitions whose month ends by `cutoff`. */
export async function monthPartitionsBefore(db: Db, cutoff: Date): Promise<string[]> {
  return (await monthPartitions(db)).filter(
    (label) => monthOf(Date.parse(`${label}-01T00:00:00Z`)).end <= cutoff.getTime(),
  );
}
