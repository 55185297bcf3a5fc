import { timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/db";
import type { KeyScope } from "@cwr/gating/evidence-source";
import { onKeyRevoked } from "@/lib/db/notify";
import { hashApiKey, KEY_PREFIX } from "./secret";

export interface KeyPrincipal {
  keyId: string;
  agentId: string;
  agentSlug: string;
  /** agent: the agent's own key; reporter: reports its outcomes only (SPEC §8) */
  scope: KeyScope;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Verified keys are remembered by their secret, so a request with a remembered key costs one Map
 * lookup: no hash, no database read. A revocation clears the memory of every instance at once (its
 * NOTIFY, heard by each instance's LISTEN; a LISTEN that reconnects clears it too, having perhaps
 * missed one), and this process's own revocation clears it on commit. KEY_CACHE_MS (default 2 s)
 * bounds an entry's life all the same; past half of it the key is read again in the background while
 * it still answers, so a key in steady use never waits for the database (on the embedded default that
 * read queues behind any open transaction). Unknown and revoked keys are never remembered.
 */
const KEY_CACHE_MS = Number(process.env.KEY_CACHE_MS ?? 2_000);
interface Entry {
  at: number;
  hash: string;
  principal: KeyPrincipal;
}
const g = globalThis as unknown as { __cwrKeyCache?: Map<string, Entry> };
const keyCache = (g.__cwrKeyCache ??= new Map());

/**
 * Shared by every copy of this module in the process (Next's bundle and the node:http front): the
 * keys being read again, a generation bumped by every forget, so that a lookup that started before a
 * revocation does not put the key back, and whether the revocation notices are heard yet.
 */
const g2 = globalThis as unknown as {
  __cwrKeyCacheState?: { generation: number; refreshing: Set<string>; subscribed?: boolean };
};
const state = (g2.__cwrKeyCacheState ??= { generation: 0, refreshing: new Set() });

export function forgetCachedKeys(): void {
  state.generation++;
  keyCache.clear();
}

function subscribe() {
  if (state.subscribed) return;
  state.subscribed = true;
  onKeyRevoked({ revoked: forgetCachedKeys, resync: forgetCachedKeys });
}

/** The agent a bearer key belongs to, or null for an unknown, malformed or revoked key. */
export async function authenticateApiKey(db: Db, secret: string, now = new Date()): Promise<KeyPrincipal | null> {
  return cachedApiKey(secret, now.getTime(), db) ?? lookupAndRemember(db, secret, hashOf(secret), now);
}

/**
 * The remembered principal of a key, without waiting (the hot routes' path); undefined when the key
 * must be read (not remembered, expired, or not a key at all: authenticateApiKey answers it).
 */
export function cachedApiKey(secret: string, now: number, db?: Db): KeyPrincipal | undefined {
  subscribe();
  const cached = keyCache.get(secret);
  if (!cached) return undefined;
  const age = now - cached.at;
  if (!(age < KEY_CACHE_MS)) return undefined;
  if (db && age >= KEY_CACHE_MS / 2 && !state.refreshing.has(secret)) {
    state.refreshing.add(secret);
    void lookupAndRemember(db, secret, cached.hash, new Date(now))
      .catch(() => {}) // the entry expires as usual; the next caller reads and sees the error
      .finally(() => state.refreshing.delete(secret));
  }
  return cached.principal;
}

/** The stored hash of a well-formed secret; null for anything that cannot be a key. */
const hashOf = (secret: string) => (secret.startsWith(KEY_PREFIX) && secret.length <= 100 ? hashApiKey(secret) : null);

async function lookupAndRemember(db: Db, secret: string, hash: string | null, now: Date): Promise<KeyPrincipal | null> {
  if (hash === null) return null;
  subscribe();
  const started = state.generation;
  const principal = await lookupKey(db, hash, now);
  if (started !== state.generation) return principal;
  if (principal && KEY_CACHE_MS > 0) {
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(secret, { at: now.getTime(), hash, principal });
  } else keyCache.delete(secret);
  return principal;
}

async function lookupKey(db: Db, hash: string, now: Date): Promise<KeyPrincipal | null> {
  const key = await db.apiKey.findUnique({
    where: { hash },
    select: {
      id: true,
      hash: true,
      scope: true,
      revokedAt: true,
      lastUsedAt: true,
      agent: { select: { id: true, slug: true } },
    },
  });
  if (!key || key.revokedAt) return null;
  if (!timingSafeEqual(Buffer.from(key.hash), Buffer.from(hash))) return null;
  // last-used is informational: written at most once a minute so reads stay cheap.
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
  }
  return { keyId: key.id, agentId: key.agent.id, agentSlug: key.agent.slug, scope: key.scope };
}

export async function listApiKeys(db: Db) {
  const keys = await db.apiKey.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      prefix: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      scope: true,
      agent: { select: { slug: true } },
    },
  });
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scope: k.scope,
    agentSlug: k.agent.slug,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}

/** The ids among `keyIds` that are still valid (not revoked): open streams of the others are closed. */
export async function activeKeyIds(db: Db, keyIds: string[]): Promise<Set<string>> {
  if (keyIds.length === 0) return new Set();
  const rows = await db.apiKey.findMany({ where: { id: { in: keyIds }, revokedAt: null }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}
