// Per-key API limits: token buckets, generous by default (they stop runaway loops, not load). On a
// PostgreSQL server every instance spends from one bucket per key (lib/gating/api-budget.ts states how,
// and the bound on overshoot); on the embedded default, one process, the bucket is in memory.
import { getDb } from "@/lib/db";
import { logError } from "@/lib/log";
import { takeLease, type LeaseAnswer, type LeaseAsk } from "@/lib/limits/data";
import {
  afterRefresh,
  FRESH_LEASE,
  leaseSize,
  REFRESH_MS,
  spendOne,
  tokensToAsk,
  wantsRefresh,
  type Lease,
} from "@cwr/gating/api-budget";

export interface RateLimitDecision {
  ok: boolean;
  retryAfterSeconds: number;
}

export interface ApiLimiter {
  take(key: string, now?: number): RateLimitDecision;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** One process's buckets, in memory. */
export class RateLimiter implements ApiLimiter {
  private buckets = new Map<string, Bucket>();
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  take(key: string, now = Date.now()): RateLimitDecision {
    const b = this.buckets.get(key) ?? { tokens: this.burst, updated: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.updated) / 1000) * this.perSecond);
    b.updated = now;
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.buckets.clear(); // bounded memory under key spraying
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, retryAfterSeconds: 0 };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond)) };
  }
}

interface KeyState {
  lease: Lease;
  refreshing: boolean;
  lastRefresh: number;
  /** the database did not answer: until then this instance keeps its own budget */
  offlineUntil: number;
}

const OFFLINE_MS = 1000;

/**
 * One bucket per key over every instance: each request spends from a local lease (no database round
 * trip); leases are refreshed in the background. If the database does not answer, the instance
 * falls back to a budget of its own until it does.
 */
export class SharedRateLimiter implements ApiLimiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly size: number;
  private readonly local: RateLimiter;
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly lease: (key: string, ask: LeaseAsk) => Promise<LeaseAnswer>,
  ) {
    this.size = leaseSize(perSecond, burst);
    this.local = new RateLimiter(perSecond, burst);
  }

  take(key: string, now = Date.now()): RateLimitDecision {
    let s = this.keys.get(key);
    if (!s)
      this.keys.set(key, (s = { lease: FRESH_LEASE, refreshing: false, lastRefresh: -Infinity, offlineUntil: 0 }));
    if (now < s.offlineUntil) return this.local.take(key, now);
    const spent = spendOne(s.lease, this.size, this.perSecond);
    s.lease = spent.lease;
    this.refresh(key, s, now);
    return { ok: spent.ok, retryAfterSeconds: spent.retryAfterSeconds };
  }

  /** Resolves when no refresh is on its way (tests). */
  async settled(): Promise<void> {
    while ([...this.keys.values()].some((s) => s.refreshing)) await new Promise((r) => setTimeout(r, 5));
  }

  private refresh(key: string, s: KeyState, now: number): void {
    if (s.refreshing || now - s.lastRefresh < REFRESH_MS || !wantsRefresh(s.lease, this.size)) return;
    s.refreshing = true;
    s.lastRefresh = now;
    const charge = s.lease.credit;
    const ask = tokensToAsk(s.lease, this.size);
    this.lease(key, { perSecond: this.perSecond, burst: this.burst, ask, charge })
      .then((answer) => {
        s.lease = afterRefresh(s.lease, charge, ask, answer.granted, answer.shared);
      })
      .catch((e: unknown) => {
        s.offlineUntil = Date.now() + OFFLINE_MS;
        logError("API rate limit: the shared bucket did not answer; limiting per instance", e);
      })
      .finally(() => {
        s.refreshing = false;
      });
  }
}

const g = globalThis as unknown as { __cwrApiLimiter?: ApiLimiter };
export function apiLimiter(): ApiLimiter {
  // Read once: the environment is not consulted per request (it is slow to read on the hot path).
  return (g.__cwrApiLimiter ??= makeLimiter());
}

function makeLimiter(): ApiLimiter {
  const perSecond = Number(process.env.API_RATE_PER_SECOND ?? 5000);
  const burst = Number(process.env.API_RATE_BURST ?? 10000);
  return process.env.DATABASE_URL?.trim()
    ? new SharedRateLimiter(perSecond, burst, async (key, ask) => takeLease(await getDb(), key, ask))
    : new RateLimiter(perSecond, burst);
}
