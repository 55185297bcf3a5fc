// Limits kept in PostgreSQL, so that every instance on one server counts against one budget (issue 21:
// N instances allowed N times the guesses): failed sign-ins (login_failures) and API keys' token
// buckets (api_rate_buckets).
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

// ── API keys' shared token buckets ──────────────────────────────────────────────────────────────
// One statement refills a key's bucket by the time since its last lease (the database's clock, the
// same for every instance), charges the credit an instance spent, and takes a lease
// (lib/gating/api-budget.ts).

export interface LeaseAnswer {
  granted: number;
  /** the bucket's tokens after the lease (below zero: a debt) */
  shared: number;
}

export interface LeaseAsk {
  perSecond: number;
  burst: number;
  /** tokens wanted for the lease */
  ask: number;
  /** credit spent since the last lease, charged first */
  charge: number;
}

export async function takeLease(db: Db, key: string, a: LeaseAsk): Promise<LeaseAnswer> {
  // Every SET expression reads the row as it was, and PostgreSQL re-reads it if a concurrent lease
  // changed it first, so two instances never lease the same tokens.
  const rows = await db.$queryRaw<Array<{ granted: number; tokens: number }>>`
    INSERT INTO api_rate_buckets (key, tokens, granted, "updatedAt")
    VALUES (${key}, ${a.burst}::float8 - ${a.charge}::float8 - LEAST(${a.ask}::float8, GREATEST(0, FLOOR(${a.burst}::float8 - ${a.charge}::float8))),
            LEAST(${a.ask}::float8, GREATEST(0, FLOOR(${a.burst}::float8 - ${a.charge}::float8))), now())
    ON CONFLICT (key) DO UPDATE SET
      granted = LEAST(${a.ask}::float8, GREATEST(0, FLOOR(
        LEAST(${a.burst}::float8, api_rate_buckets.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - api_rate_buckets."updatedAt")::float8) * ${a.perSecond}::float8) - ${a.charge}::float8))),
      tokens =
        LEAST(${a.burst}::float8, api_rate_buckets.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - api_rate_buckets."updatedAt")::float8) * ${a.perSecond}::float8) - ${a.charge}::float8
        - LEAST(${a.ask}::float8, GREATEST(0, FLOOR(
        LEAST(${a.burst}::float8, api_rate_buckets.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - api_rate_buckets."updatedAt")::float8) * ${a.perSecond}::float8) - ${a.charge}::float8))),
      "updatedAt" = now()
    RETURNING granted, tokens`;
  const row = rows[0]!;
  return { granted: Number(row.granted), shared: Number(row.tokens) };
}
