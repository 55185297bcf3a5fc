// Failed sign-ins in PostgreSQL (login_failures), so that every instance on one server counts against
// one budget (issue 21: N instances allowed N times the guesses).
import type { Db } from "@/lib/db";
import type { FailureStore, FailureTally } from "./failures";

/** Expired rows are pruned on about one write in this many. */
const PRUNE_EVERY = 50;

export class DatabaseFailureStore implements FailureStore {
  private writes = 0;
  constructor(private readonly db: () => Promise<Db>) {}

  async tally(keys: readonly string[], since: number): Promise<FailureTally[]> {
    const db = await this.db();
    const rows = await db.loginFailure.groupBy({
      by: ["key"],
      where: { key: { in: [...keys] }, at: { gt: new Date(since) } },
      _count: { _all: true },
      _max: { at: true },
    });
    const byKey = new Map(rows.map((r) => [r.key, { count: r._count._all, last: r._max.at?.getTime() ?? 0 }]));
    return keys.map((k) => byKey.get(k) ?? { count: 0, last: 0 });
  }

  async record(keys: readonly string[], at: number, windowMs: number): Promise<void> {
    const db = await this.db();
    await db.loginFailure.createMany({ data: keys.map((key) => ({ key, at: new Date(at) })) });
    if (++this.writes % PRUNE_EVERY === 0)
      await db.loginFailure.deleteMany({ where: { at: { lte: new Date(at - windowMs) } } });
  }

  async clear(key: string): Promise<void> {
    await (await this.db()).loginFailure.deleteMany({ where: { key } });
  }
}
