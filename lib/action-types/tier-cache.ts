// Per-process cache of each agent's tiers for the hot agent routes (decisions, tiers, OFREP).
// Dropped for an agent the moment a tier change for it is heard (NOTIFY, after commit), and never
// older than TIER_CACHE_MS (default 1 s) in any case, which bounds what a missed notice could cost.
import type { Db } from "@/lib/db";
import { onTierChange } from "@/lib/db/notify";
import type { TierView } from "./schema";
import { listAgentTiers } from "./data";

const TTL_MS = Number(process.env.TIER_CACHE_MS ?? 1_000);

interface Entry {
  at: number;
  byKey: Map<string, TierView>;
  list: TierView[];
}

const g = globalThis as unknown as { __cwrTierCache?: { entries: Map<string, Promise<Entry>>; subscribed: boolean } };
const cache = (g.__cwrTierCache ??= { entries: new Map(), subscribed: false });

function subscribe() {
  if (cache.subscribed) return;
  cache.subscribed = true;
  onTierChange({ change: (m) => cache.entries.delete(m.agentId), resync: () => cache.entries.clear() });
}

async function entry(db: Db, agentId: string, now: number): Promise<Entry> {
  subscribe();
  const hit = cache.entries.get(agentId);
  if (hit) {
    const e = await hit;
    if (now - e.at < TTL_MS) return e;
  }
  const loading = listAgentTiers(db, agentId).then((list) => ({ at: now, list, byKey: new Map(list.map((t) => [t.action, t])) }));
  cache.entries.set(agentId, loading);
  loading.catch(() => cache.entries.delete(agentId));
  return loading;
}

export async function cachedAgentTiers(db: Db, agentId: string, now = Date.now()): Promise<TierView[]> {
  if (TTL_MS <= 0) return listAgentTiers(db, agentId);
  return (await entry(db, agentId, now)).list;
}

/** One action type of the agent, looked up in a Map (an action named `constructor` is just unknown). */
export async function cachedAgentTier(db: Db, agentId: string, key: string, now = Date.now()): Promise<TierView | null> {
  if (TTL_MS <= 0) return (await listAgentTiers(db, agentId)).find((t) => t.action === key) ?? null;
  return (await entry(db, agentId, now)).byKey.get(key) ?? null;
}
