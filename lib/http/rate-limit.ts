// Per-principal token buckets (per instance). Generous by default: it stops runaway loops, not load.
export interface RateLimitDecision {
  ok: boolean;
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

export class RateLimiter {
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

const g = globalThis as unknown as { __cwrApiLimiter?: RateLimiter };
export function apiLimiter(): RateLimiter {
  g.__cwrApiLimiter ??= new RateLimiter(
    Number(process.env.API_RATE_PER_SECOND ?? 5000),
    Number(process.env.API_RATE_BURST ?? 10000),
  );
  return g.__cwrApiLimiter;
}
