// Outcome retention (issue 26 item 3): which outcomes a setting of `months` keeps. The current month
// and the `months` whole months before it are kept; outcomes received earlier are archived and
// removed, a whole month at a time. No setting (null) keeps everything. Pure: no clock, no I/O.

export const MAX_RETENTION_MONTHS = 120;

/** Why `months` is not a retention setting, or null when it is (null itself: keep everything). */
export function retentionProblem(months: unknown): string | null {
  if (months === null) return null;
  if (typeof months !== "number" || !Number.isInteger(months) || months < 1 || months > MAX_RETENTION_MONTHS)
    return `months must be a whole number from 1 to ${MAX_RETENTION_MONTHS}, or none to keep everything`;
  return null;
}

/** The first instant kept at `now` (epoch ms): the start (UTC) of the month `months` months before now's. */
export function retentionCutoff(now: number, months: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1);
}

/** The UTC month [start, end) that holds `at` (epoch ms). */
export function monthOf(at: number): { start: number; end: number; label: string } {
  const d = new Date(at);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { start, end, label: new Date(start).toISOString().slice(0, 7) };
}

/**
 * Why an outcome that occurred at `occurredAt` (epoch ms) cannot be taken, or null when it can: outcomes received
 * before `archivedBefore` are archived and their idempotency keys gone, so an outcome from then could be one
 * already counted. Nothing is archived yet: null. (Every outcome is received after it occurred, give or take
 * the 5 minutes of clock skew ingest allows.)
 */
export function archivedProblem(occurredAt: number, archivedBefore: number | null): string | null {
  if (archivedBefore === null || occurredAt >= archivedBefore) return null;
  const day = new Date(archivedBefore).toISOString().slice(0, 10);
  return `occurred before ${day}: the outcomes received before then are archived, so this one could be counted twice; it is not taken`;
}

/**
 * Whether an outcome that occurred at `occurredAt` could be refused by `archivedProblem` at `now`: every archive
 * made by then ends at or before the least retention's cutoff (one whole month before now's). Ingest reads the
 * setting only for a batch that holds such an outcome, not on every batch.
 */
export const couldBeArchived = (occurredAt: number, now: number) => occurredAt < retentionCutoff(now, 1);
