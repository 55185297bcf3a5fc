// Failed sign-ins are rate-limited per account and per client address, so passwords cannot be
// guessed at speed. In-process (per instance): enough to turn a brute force into a crawl.
const WINDOW_MS = 10 * 60_000;
const PER_ACCOUNT = Number(process.env.LOGIN_MAX_FAILURES ?? 10);
const PER_ADDRESS = PER_ACCOUNT * 5;

const g = globalThis as unknown as { __cwrLoginFailures?: Map<string, number[]> };
const failures: Map<string, number[]> = (g.__cwrLoginFailures ??= new Map());

function recent(key: string, now: number): number[] {
  const list = (failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length) failures.set(key, list);
  else failures.delete(key);
  return list;
}

/** Seconds until another attempt is allowed, or 0 when it is allowed now. */
export function loginBlockedFor(account: string, address: string, now = Date.now()): number {
  const a = recent(`a:${account}`, now);
  const b = recent(`ip:${address}`, now);
  const blocked = [a.length >= PER_ACCOUNT ? a : null, b.length >= PER_ADDRESS ? b : null].filter((x): x is number[] => x !== null);
  if (blocked.length === 0) return 0;
  return Math.max(...blocked.map((l) => Math.ceil((l[0]! + WINDOW_MS - now) / 1000)));
}

export function recordLoginFailure(account: string, address: string, now = Date.now()): void {
  for (const key of [`a:${account}`, `ip:${address}`]) failures.set(key, [...recent(key, now), now]);
  if (failures.size > 50_000) failures.clear();
}

export function clearLoginFailures(account: string): void {
  failures.delete(`a:${account}`);
}
