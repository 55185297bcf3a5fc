// The what-if replay's reads: the action type's recorded outcomes in storage order (the order the live
// ingest folded them: ingest is serialised per action type), in keyset pages so memory stays bounded,
// and its recorded tier changes. The fold of the pages is lib/replay/fold.ts (in the replay worker for
// pages people open; in process here, for tests and the bench).
import type { Db } from "@/lib/db";
import type { RecordedChange, ReplayResult } from "@cwr/gating/replay";
import type { PolicyRules, Tier } from "@cwr/gating/types";
import { currentPolicy } from "@/lib/policies/data";
import { AppError } from "@/lib/errors";
import { ReplayFolder } from "./fold";
import { PAGE_END_SQL, PAGE_SQL } from "./page";
import { retentionSetting } from "@/lib/retention/data";

export const REPLAY_PAGE = 50_000;

// SET LOCAL, in one round trip.
const PAGE_SETTINGS = `SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true),
  set_config('jit', 'off', true)`;

interface Page {
  n: number;
  last_id: string | null;
  rows: string | null;
}

/** Largest id (bigint) — the end of the last page. */
const LAST_ID = "9223372036854775807";

/**
 * The stored outcomes' pages, as JSON text (lib/replay/page.ts; decoded where they are folded), in
 * storage order. Two pages are read at once on a PostgreSQL server (each in its own transaction, on
 * its own connection): where the next page ends is a cheap walk of the ids, so it need not wait for
 * this one's rows. On the embedded database the one connection takes them in turn.
 */
export async function* outcomePages(db: Db, actionTypeId: string, pageSize = REPLAY_PAGE): AsyncGenerator<string> {
  // The keyset walk (the page and where it ends) must be an ordered index scan: with stale statistics
  // (the embedded database is never analysed) the planner reads every row of the action type and
  // sorts them, on every page.
  // No JIT: the scan's estimate (every row of the action type) crosses jit_above_cost, and compiling the
  // page's expressions took longer than running them, on every page.
  const underPageSettings = async <T>(sql: string, ...values: unknown[]) =>
    (await db.$transaction([db.$queryRawUnsafe(PAGE_SETTINGS), db.$queryRawUnsafe<T[]>(sql, ...values)]))[1][0];
  const read = (after: string, end: string) => underPageSettings<Page>(PAGE_SQL, actionTypeId, after, pageSize, end);
  const endOf = async (after: string) =>
    (await underPageSettings<{ id: string }>(PAGE_END_SQL, actionTypeId, after, pageSize))?.id ?? null;
  const inFlight: Array<Promise<Page | undefined>> = [];
  let after: string | null = "0";
  const more = async () => {
    // the end is read before the page is: a page never holds a row past it, whatever arrives meanwhile
    const end = await endOf(after!);
    const page = read(after!, end ?? LAST_ID);
    page.catch(() => undefined); // awaited in turn; a caller that stops first (a failed fold) must not leave it unhandled
    inFlight.push(page);
    after = end;
  };
  while (after !== null && inFlight.length < 2) await more();
  while (inFlight.length > 0) {
    const page = await inFlight.shift()!;
    if (after !== null) await more();
    if (page && page.n > 0 && page.rows) yield page.rows;
  }
}

/** What a replay of an action type starts from: its creation, its current policy and people's recorded changes. */
export async function replayInputs(db: Db, actionTypeId: string) {
  const at = await db.actionType.findUnique({
    where: { id: actionTypeId },
    select: { createdAt: true, tier: true, frozen: true },
  });
  if (!at) throw new AppError("not_found", "No such action type.");
  const policy = await currentPolicy(db, actionTypeId);
  const rows = await db.tierChange.findMany({
    where: { actionTypeId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, createdAt: true, fromTier: true, toTier: true, frozen: true, cause: true },
  });
  const recorded: RecordedChange[] = rows.map((c: (typeof rows)[number]) => ({
    at: c.createdAt.getTime(),
    to: c.toTier,
    frozen: c.frozen,
    cause: c.cause,
  }));
  const actual = rows
    .filter((c: (typeof rows)[number]) => c.fromTier !== c.toTier)
    .map((c: (typeof rows)[number]) => ({ at: c.createdAt.getTime(), from: c.fromTier, to: c.toTier, cause: c.cause }));
  const newest = await db.outcomeEvent.findFirst({
    where: { actionTypeId },
    orderBy: { id: "desc" },
    select: { id: true },
  });
  // The newest event and tier change: a replay's cache key (anything newer changes what it folds).
  const newestEvent = newest ? String(newest.id) : null;
  // Outcomes received before this were archived by the retention setting (lib/retention/mutations.ts).
  const outcomesFrom = (await retentionSetting(db)).archivedBefore?.toISOString() ?? null;
  return { actionType: at, policy, recorded, actual, newestEvent, newestChange: rows.at(-1)?.id ?? null, outcomesFrom };
}

export interface ReplayRun extends ReplayResult {
  actual: { changes: Array<{ at: number; from: Tier; to: Tier; cause: string }>; tier: Tier; frozen: boolean };
  pages: number;
  /** outcomes received before this were archived (null: every outcome is here) */
  outcomesFrom: string | null;
}

/** Replays `rules` (or the current policy) over every recorded outcome of the action type, in this thread. */
export async function replayActionType(
  db: Db,
  actionTypeId: string,
  options: { rules?: PolicyRules; promote?: "as_recorded" | "when_eligible"; now?: Date; pageSize?: number } = {},
): Promise<ReplayRun> {
  const inputs = await replayInputs(db, actionTypeId);
  const folder = new ReplayFolder([
    {
      rules: options.rules ?? inputs.policy.rules,
      policyVersion: options.rules ? 0 : inputs.policy.version,
      createdAt: inputs.actionType.createdAt.getTime(),
      recorded: inputs.recorded,
      promote: options.promote ?? "when_eligible",
    },
  ]);
  let pages = 0;
  for await (const rows of outcomePages(db, actionTypeId, options.pageSize)) {
    pages++;
    folder.page(rows);
  }
  const [result] = folder.finish((options.now ?? new Date()).getTime());
  return {
    ...result!,
    actual: { changes: inputs.actual, tier: inputs.actionType.tier, frozen: inputs.actionType.frozen },
    pages,
    outcomesFrom: inputs.outcomesFrom,
  };
}
