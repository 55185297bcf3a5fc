// Failed sign-ins slow down per (account, address) and per address, with growing delays (SPEC §6).
// Never per account alone: then anyone could lock another person out of their correct password
// (a reviewer out of a quorum, the admin out of the dashboard). A correct password from an address
// that has not failed always works. In-process (per instance): enough to turn guessing into a crawl.
const WINDOW_MS = 15 * 60_000;
/** failures of one account from one address before the delays start (LOGIN_MAX_FAILURES) */
const PAIR_FREE = Number(process.env.LOGIN_MAX_FAILURES ?? 5);
/** failures from one address, over all accounts, before its delays start (a shared NAT has many people) */
const ADDRESS_FREE = Number(process.env.LOGIN_MAX_ADDRESS_FAILURES ?? 30);
const MAX_DELAY_MS = WINDOW_MS;

const g = globalThis as unknown as { __cwrLoginFailures?: Map<string, number[]> };
const failures: Map<string, number[]> = (g.__cwrLoginFailures ??= new Map());

function recent(key: string, now: number): number[] {
  const list = (failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length) failures.set(key, list);
  else failures.delete(key);
  return list;
}

/** 1 s after the free failures, doubling with each further failure, up to the window. */
export function delayAfter(failureCount: number, free: number): number {
  if (failureCount < free) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(20, failureCount - free));
}

const pairKey = (account: string, address: string) => `p:${account}\u0000${address}`;
const addressKey = (address: string) => `ip:${address}`;

/** Seconds until another attempt is allowed for this account from this address, or 0 now. */
export function loginBlockedFor(account: string, address: string, now = Date.now()): number {
  let until = 0;
  for (const [key, free] of [
    [pairKey(account, address), PAIR_FREE],
    [addressKey(address), ADDRESS_FREE],
  ] as const) {
    const list = recent(key, now);
    const wait = delayAfter(list.length, free);
    if (wait > 0) until = Math.max(until, list[list.length - 1]! + wait);
  }
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}

/** Seconds the address as a whole must wait (whatever account it tries), or 0. */
export function addressBlockedFor(address: string, now = Date.now()): number {
  const list = recent(addressKey(address), now);
  const wait = delayAfter(list.length, ADDRESS_FREE);
  const until = wait > 0 ? list[list.length - 1]! + wait : 0;
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}

export function recordLoginFailure(account: string, address: string, now = Date.now()): void {
  for (const key of [pairKey(account, address), addressKey(address)])
    failures.set(key, [...recent(key, now), now].slice(-200));
  if (failures.size > 50_000) failures.clear();
}

/** A correct password clears that account's failures from that address (not the address's own). */
export function clearLoginFailures(account: string, address: string): void {
  failures.delete(pairKey(account, address));
}
