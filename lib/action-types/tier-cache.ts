// Per-process cache of each agent's tiers for the hot agent routes (decisions, tiers, OFREP).
// Updated the moment a tier change for it is heard (NOTIFY, after commit, in commit order: the
// notice carries the action type's new tier, freeze and tier-since, so no read is needed; an entry
// still loading, or an action type it does not hold, is dropped instead), and never older than
// TIER_CACHE_MS (default 1 s) in any case, which bounds what a missed notice could cost. An entry past
// its TTL is still answered from while one refresh reads the tiers again (for at most
// TIER_CACHE_STALE_MS more, default 5 s): on the embedded default that read waits for whatever
// transaction holds the one connection (an ingest batch), and an agent's decision must not (SPEC §6).
// Each entry also memoises what the routes derive from it (serialised bodies, ETags), so a request
// that finds its agent in the cache does no serialising or hashing of its own.
import type { Db } from "@/lib/db";
import { onTierChange, type TierChangeMessage } from "@/lib/db/notify";
import { CONTRACT_CHANGE_CAUSE } from "@/lib/db/channels";
import { modeOf } from "@cwr/gating";
import { SLIDER_STEP_CAUSES } from "@cwr/gating/types";
import type { TierView } from "./schema";
import { listAgentTiers } from "./data";

// A slider step or a contract change moves no tier: the entry is reloaded to pick up what changed.
const RELOAD_CAUSES = new Set<string>([...SLIDER_STEP_CAUSES, CONTRACT_CHANGE_CAUSE]);

const TTL_MS = Number(process.env.TIER_CACHE_MS ?? 1_000);
const STALE_MS = Number(process.env.TIER_CACHE_STALE_MS ?? 5_000);

export interface AgentTiers {
  at: number;
  byKey: Map<string, TierView>;
  list: TierView[];
  /** derived values, computed once per entry (see memo) */
  derived: Map<string, unknown>;
}

const g = globalThis as unknown as {
  __cwrTierCache?: {
    entries: Map<string, Promise<AgentTiers>>;
    settled: WeakMap<Promise<AgentTiers>, AgentTiers>;
    /** agents whose expired entry is being read again */
    refreshing: Set<string>;
    /** per agent: the read freshAgentEntry has under way, and the one queued behind it */
    fresh: Map<string, FreshRead>;
    subscribed: boolean;
  };
};

interface FreshRead {
  running: Promise<AgentTiers>;
  next: Promise<AgentTiers> | null;
}
const cache = (g.__cwrTierCache ??= {
  entries: new Map(),
  settled: new WeakMap(),
  refreshing: new Set(),
  fresh: new Map(),
  subscribed: false,
});
cache.refreshing ??= new Set(); // an entry made by an older module instance (dev reload)
cache.fresh ??= new Map();

function subscribe() {
  if (cache.subscribed) return;
  cache.subscribed = true;
  onTierChange({ change: applyTierChange, resync: () => cache.entries.clear() });
}

/** Brings the agent's entry up to a committed tier change (idempotent: every listener may call it). */
export function applyTierChange(m: TierChangeMessage): void {
  const pending = cache.entries.get(m.agentId);
  const entry: AgentTiers | undefined = pending && cache.settled.get(pending);
  const old = entry?.byKey.get(m.key);
  if (!entry || !old || RELOAD_CAUSES.has(m.cause)) {
    cache.entries.delete(m.agentId);
    return;
  }
  if (old.tier === m.tier && old.frozen === m.frozen && old.tierSince === m.tierSince) return;
  const view: TierView = { ...old, tier: m.tier, mode: modeOf(m.tier), frozen: m.frozen, tierSince: m.tierSince };
  const list = entry.list.map((t: TierView) => (t.action === m.key ? view : t));
  store(
    m.agentId,
    Promise.resolve({
      at: entry.at,
      list,
      byKey: new Map(list.map((t: TierView) => [t.action, t])),
      derived: new Map(),
    }),
  );
}

function store(agentId: string, loading: Promise<AgentTiers>) {
  cache.entries.set(agentId, loading);
  loading.then(
    (e) => cache.settled.set(loading, e),
    () => cache.entries.get(agentId) === loading && cache.entries.delete(agentId),
  );
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
    if (now - e.at < TTL_MS + STALE_MS) {
      refresh(db, agentId, hit, now);
      return e;
    }
  }
  const loading = load(db, agentId, now);
  if (TTL_MS > 0) store(agentId, loading);
  return loading;
}

/**
 * cachedAgentEntry without waiting, when the entry is loaded and may answer (fresh, or stale while one
 * refresh reads it again); undefined when cachedAgentEntry must be awaited.
 */
export function cachedAgentEntryNow(db: Db, agentId: string, now = Date.now()): AgentTiers | undefined {
  subscribe();
  const hit = cache.entries.get(agentId);
  const e = hit && TTL_MS > 0 ? cache.settled.get(hit) : undefined;
  if (!e) return undefined;
  if (now - e.at < TTL_MS) return e;
  if (now - e.at < TTL_MS + STALE_MS) {
    refresh(db, agentId, hit!, now);
    return e;
  }
  return undefined;
}

const load = (db: Db, agentId: string, now: number) =>
  listAgentTiers(db, agentId).then((list): AgentTiers => ({
    at: now,
    list,
    byKey: new Map(list.map((t) => [t.action, t])),
    derived: new Map(),
  }));

/** One background read per agent; its result replaces the entry only if no tier change replaced it meanwhile. */
function refresh(db: Db, agentId: string, expired: Promise<AgentTiers>, now: number) {
  if (cache.refreshing.has(agentId)) return;
  cache.refreshing.add(agentId);
  load(db, agentId, now)
    .then(
      (fresh) => {
        if (cache.entries.get(agentId) === expired) store(agentId, Promise.resolve(fresh));
      },
      () => {}, // the entry stays until STALE_MS runs out; the next caller then reads (and sees the error)
    )
    .finally(() => cache.refreshing.delete(agentId));
}

/**
 * The agent's tiers as the database holds them now, for a caller that was told of a configuration
 * this process may not have heard of yet (OFREP's flagConfigEtag): read by a query that starts after
 * the call. A read already under way may predate what the caller was told, so it is not shared; one
 * more read queues behind it and serves every caller that arrives meanwhile (at most two per agent,
 * however many callers). The result replaces the cached entry unless a notice replaced it meanwhile.
 */
export function freshAgentEntry(db: Db, agentId: string): Promise<AgentTiers> {
  subscribe();
  const under = cache.fresh.get(agentId);
  if (!under) return startFreshRead(db, agentId);
  return (under.next ??= under.running.then(
    () => startFreshRead(db, agentId),
    () => startFreshRead(db, agentId),
  ));
}

function startFreshRead(db: Db, agentId: string): Promise<AgentTiers> {
  const held = cache.entries.get(agentId);
  const running = load(db, agentId, Date.now());
  const read: FreshRead = { running, next: null };
  cache.fresh.set(agentId, read);
  running
    .then(
      (fresh) => {
        if (TTL_MS > 0 && cache.entries.get(agentId) === held) store(agentId, Promise.resolve(fresh));
      },
      () => {},
    )
    .finally(() => cache.fresh.get(agentId) === read && cache.fresh.delete(agentId));
  return running;
}

/** A value derived from an entry, computed on first use and kept as long as the entry. */
export function memo<T>(entry: AgentTiers, name: string, compute: (entry: AgentTiers) => T): T {
  if (entry.derived.has(name)) return entry.derived.get(name) as T;
  const value = compute(entry);
  entry.derived.set(name, value);
  return value;
}
