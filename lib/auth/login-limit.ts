// Failed sign-ins slow down per (account, address) and per address, with growing delays (SPEC §6).
// Never per account alone: then anyone could lock another person out of their correct password
// (a reviewer out of a quorum, the admin out of the dashboard). A correct password from an address
// that has not failed always works. Counted in PostgreSQL on a server (one budget over every
// instance), in memory on the embedded default; never cleared whole (lib/limits).
import { getDb } from "@/lib/db";
import { DatabaseFailureStore } from "@/lib/limits/data";
import { MemoryFailureStore, type FailureStore, type FailureTally } from "@/lib/limits/failures";

const WINDOW_MS = 15 * 60_000;
/** failures of one account from one address before the delays start (LOGIN_MAX_FAILURES) */
const PAIR_FREE = Number(process.env.LOGIN_MAX_FAILURES ?? 5);
/** failures from one address, over all accounts, before its delays start (a shared NAT has many people) */
const ADDRESS_FREE = Number(process.env.LOGIN_MAX_ADDRESS_FAILURES ?? 30);
const MAX_DELAY_MS = WINDOW_MS;

const g = globalThis as unknown as { __cwrLoginFailures?: FailureStore };
function store(): FailureStore {
  return (g.__cwrLoginFailures ??= process.env.DATABASE_URL?.trim()
    ? new DatabaseFailureStore(getDb)
    : new MemoryFailureStore(Math.min(PAIR_FREE, ADDRESS_FREE)));
}

/** 1 s after the free failures, doubling with each further failure, up to the window. */
export function delayAfter(failureCount: number, free: number): number {
  if (failureCount < free) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(20, failureCount - free));
}

/** The moment (ms) a key's delay ends, or 0 when it imposes none. */
const blockedUntil = ({ count, last }: FailureTally, free: number) => {
  const wait = delayAfter(count, free);
  return wait > 0 ? last + wait : 0;
};
const secondsUntil = (until: number, now: number) => (until > now ? Math.ceil((until - now) / 1000) : 0);

// The address first: it never holds "|" (an IP address), so no account name can forge another pair.
const pairKey = (account: string, address: string) => `p:${address}|${account}`;
const addressKey = (address: string) => `ip:${address}`;

/** Seconds until another attempt is allowed for this account from this address, or 0 now. */
export async function loginBlockedFor(account: string, address: string, now = Date.now()): Promise<number> {
  const [pair, addr] = await store().tally([pairKey(account, address), addressKey(address)], now - WINDOW_MS);
  return secondsUntil(Math.max(blockedUntil(pair!, PAIR_FREE), blockedUntil(addr!, ADDRESS_FREE)), now);
}

/** Seconds the address as a whole must wait (whatever account it tries), or 0. */
export async function addressBlockedFor(address: string, now = Date.now()): Promise<number> {
  const [addr] = await store().tally([addressKey(address)], now - WINDOW_MS);
  return secondsUntil(blockedUntil(addr!, ADDRESS_FREE), now);
}

export async function recordLoginFailure(account: string, address: string, now = Date.now()): Promise<void> {
  await store().record([pairKey(account, address), addressKey(address)], now, WINDOW_MS);
}

/** A correct password clears that account's failures from that address (not the address's own). */
export async function clearLoginFailures(account: string, address: string): Promise<void> {
  await store().clear(pairKey(account, address));
}
