// Where failed sign-ins are counted: the shape every store answers (a count and the latest time per
// key, within a window), and the embedded default's store, in memory. On a PostgreSQL server the
// store is the database (./data.ts), so every instance counts against one budget.

/** Failures of one key within the window: how many, and the latest (ms since the epoch). */
export interface FailureTally {
  count: number;
  last: number;
}

export interface FailureStore {
  tally(keys: readonly string[], since: number): Promise<FailureTally[]>;
  record(keys: readonly string[], at: number, windowMs: number): Promise<void>;
  clear(key: string): Promise<void>;
}

/**
 * In memory, bounded without ever being cleared whole (a whole clear at 50,000 keys let anyone who
 * sprays many addresses reset everyone's delays, issue 21). Over `softCap` keys, expired keys go first,
 * then the least recently failed keys that impose no delay yet (fewer than `protectFrom` failures).
 * Keys that impose a delay are never evicted: past `hardCap` a new key is not recorded at all, which
 * costs an attacker the per-address count they already carry.
 */
export class MemoryFailureStore implements FailureStore {
  private readonly times = new Map<string, number[]>();
  /** evicting walks every key: it runs again only after a tenth of the cap has been added */
  private evictAbove: number;
  constructor(
    private readonly protectFrom: number,
    private readonly softCap = 50_000,
    private readonly hardCap = 200_000,
    private readonly perKey = 200,
  ) {
    this.evictAbove = softCap;
  }

  get size(): number {
    return this.times.size;
  }

  async tally(keys: readonly string[], since: number): Promise<FailureTally[]> {
    return keys.map((key) => {
      const list = this.recent(key, since);
      return { count: list.length, last: list.at(-1) ?? 0 };
    });
  }

  async record(keys: readonly string[], at: number, windowMs: number): Promise<void> {
    for (const key of keys) {
      const list = this.recent(key, at - windowMs);
      if (list.length === 0 && this.times.size >= this.hardCap) continue;
      this.times.delete(key); // re-inserted last: the Map's order is the order of the latest failure
      this.times.set(key, [...list, at].slice(-this.perKey));
    }
    if (this.times.size > this.evictAbove) {
      this.evict(at - windowMs);
      this.evictAbove = Math.max(this.softCap, this.times.size + Math.ceil(this.softCap / 10));
    }
  }

  async clear(key: string): Promise<void> {
    this.times.delete(key);
  }

  private recent(key: string, since: number): number[] {
    const list = (this.times.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.times.delete(key);
    else this.times.set(key, list);
    return list;
  }

  private evict(since: number): void {
    for (const [key, list] of this.times) if ((list.at(-1) ?? 0) <= since) this.times.delete(key);
    for (const [key, list] of this.times) {
      if (this.times.size <= this.softCap * 0.9) return;
      if (list.filter((t) => t > since).length < this.protectFrom) this.times.delete(key);
    }
  }
}
