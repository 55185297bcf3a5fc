// One API key's budget shared by every instance on one PostgreSQL, without a database round trip per
// request (issue 21; decisions stay at wire speed). The key's token bucket lives in PostgreSQL; each
// instance spends a local *lease* of tokens taken from it in one statement, refreshed in the
// background at most every REFRESH_MS. While a refresh is on its way (or before the first one), an
// instance may spend up to one lease more *on credit*, unless the last refresh found the bucket dry;
// the next refresh charges the credit to the bucket, which may go below zero (later refills repay it).
//
// The stated bound: at any moment the tokens spent over all instances exceed what one bucket allows by
// at most instances × (lease + credit) = sharedOvershootBound. Over a longer span the credit is repaid,
// so the excess never accumulates.

/** How often, at most, an instance refreshes one key's lease. */
export const REFRESH_MS = 100;

/** Tokens per lease: a quarter second of the rate or a tenth of the burst, whichever is more. */
export function leaseSize(perSecond: number, burst: number): number {
  return Math.max(1, Math.min(burst, Math.max(Math.ceil(perSecond / 4), Math.ceil(burst / 10))));
}

/** The most that N instances together can spend beyond one key's bucket (lease + credit each). */
export function sharedOvershootBound(perSecond: number, burst: number, instances: number): number {
  return instances * 2 * leaseSize(perSecond, burst);
}

/** One instance's view of one key's shared bucket. */
export interface Lease {
  /** leased tokens not spent yet */
  tokens: number;
  /** spent beyond the lease since the last refresh; the next refresh charges it */
  credit: number;
  /** the last refresh found the bucket unable to fill the lease (then no credit) */
  dry: boolean;
  /** the bucket's tokens after the last refresh (below zero: a debt) */
  shared: number;
}

export const FRESH_LEASE: Lease = { tokens: 0, credit: 0, dry: false, shared: 0 };

export interface Spend {
  lease: Lease;
  ok: boolean;
  retryAfterSeconds: number;
}

/** Spends one token of the lease, or one of credit, or refuses with the wait for one refill. */
export function spendOne(lease: Lease, size: number, perSecond: number): Spend {
  if (lease.tokens >= 1) return { lease: { ...lease, tokens: lease.tokens - 1 }, ok: true, retryAfterSeconds: 0 };
  if (!lease.dry && lease.credit < size)
    return { lease: { ...lease, credit: lease.credit + 1 }, ok: true, retryAfterSeconds: 0 };
  const missing = Math.max(1, 1 - lease.shared);
  return { lease, ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / perSecond)) };
}

/** Whether the lease wants a refresh now: it runs low, owes credit, or the bucket was dry. */
export function wantsRefresh(lease: Lease, size: number): boolean {
  return lease.tokens < size / 2 || lease.credit > 0 || lease.dry;
}

/** How many tokens a refresh asks for: enough to fill the lease. */
export function tokensToAsk(lease: Lease, size: number): number {
  return Math.max(0, size - Math.floor(lease.tokens));
}

/**
 * The lease after a refresh that charged `charged` credit and was granted `granted` of `asked`
 * tokens, leaving the bucket at `shared`. Credit spent while the refresh was on its way stays owed.
 */
export function afterRefresh(lease: Lease, charged: number, asked: number, granted: number, shared: number): Lease {
  return {
    tokens: lease.tokens + granted,
    credit: Math.max(0, lease.credit - charged),
    dry: granted < asked,
    shared,
  };
}
