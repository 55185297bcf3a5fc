// Per-process cache of each agent's tiers for the hot agent routes (decisions, tiers, OFREP).
// Dropped for an agent the moment a tier change for it is heard (NOTIFY, after commit), and never
// older than TIER_CACHE_MS (default 1 s) in any case, which bounds what a missed notice could cost.
// Each entry also memoises what the routes derive from it (serialised bodies, ETags), so a request
// that finds its agent in the cache does no serialising or hashing of its own.
import type { Db } from "@/lib/db";
import { onTierChange } from "@/lib/db/notify";
import type { TierView } from "./schema";
import { listAgentTiers } from "./data";

const TTL_MS = Number(process.env.TIER_CACHE_MS ?? 1_000);

export interface AgentTiers {
  at: number;
  byKey: Map<string, TierView>;
  list: TierView[];
  /** derived values, computed once per entry (see memo) */
  derived: Map<string, unknown>;
}

const g = globalThis as unknown as { __cwrTierCache?: { entries: Map<string, Promise<AgentTiers>>; subscribed: boolean } };
const cache = (g.__cwrTierCache ??= { entries: new Map(), subscribed: false });

function subscribe() {
  if (cache.subscribed) return;
  cache.subscribed = true;
  onTierChange({ change: (m) => cache.entries.delete(m.agentId), resync: () => cache.entries.clear() });
}

/** Drops one agent's entry (a listener that must see the change itself, not race the cache's own listener). */
export function forgetAgentTiers(agentId: string): void {
  cache.entries.delete(agentId);
}

/** The agent's tiers, fresh within TIER_CACHE_MS and dropped on every tier change. */
export async function cachedAgentEntry(db: Db, agentId: string, now = Date.now()): Promise<AgentTiers> {
  subscribe();
  const hit = cache.entries.get(agentId);
  if (hit && TTL_MS > 0) {
    const e = await hit;
    if (now - e.at < TTL_MS) return e;
  }
  const loading = listAgentTiers(db, agentId).then((list): AgentTiers => ({ at: now, list, byKey: new Map(list.map((t) => [t.action, t])), derived: new Map() }));
  if (TTL_MS <= 0) return loading;
  cache.entries.set(agentId, loading);
  loading.catch(() => cache.entries.get(agentId) === loading && cache.entries.delete(agentId));
  return loading;
}

/** A value derived from an entry, computed on first use and kept as long as the entry. */
export function memo<T>(entry: AgentTiers, name: string, compute: (entry: AgentTiers) => T): T {
  if (entry.derived.has(name)) return entry.derived.get(name) as T;
  const value = compute(entry);
  entry.derived.set(name, value);
  return value;
}

export async function cachedAgentTiers(db: Db, agentId: string, now = Date.now()): Promise<TierView[]> {
  return (await cachedAgentEntry(db, agentId, now)).list;
}

/** One action type of the agent, looked up in a Map (an action named `constructor` is just unknown). */
export async function cachedAgentTier(db: Db, agentId: string, key: string, now = Date.now()): Promise<TierView | null> {
  return (await cachedAgentEntry(db, agentId, now)).byKey.get(key) ?? null;
}
