import { timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/db";
import type { KeyScope } from "@cwr/gating/evidence-source";
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
 * Valid keys are remembered for KEY_CACHE_MS (default 2 s) so the hot agent routes skip a database
 * read per request. Revoking drops the whole cache in this process at once; another instance may
 * accept a revoked key for at most that long. Unknown and revoked keys are never cached. Past half its
 * life an entry is read again in the background while it still answers, so a key in steady use never
 * waits for the database (on the embedded default that read queues behind any open transaction).
 */
const KEY_CACHE_MS = Number(process.env.KEY_CACHE_MS ?? 2_000);
const g = globalThis as unknown as { __cwrKeyCache?: Map<string, { at: number; principal: KeyPrincipal }> };
const keyCache = (g.__cwrKeyCache ??= new Map());

/**
 * Shared by every copy of this module in the process (Next's bundle and the node:http front): the
 * keys being read again, and a generation bumped by every forget, so that a lookup that started
 * before a revocation does not put the key back.
 */
const g2 = globalThis as unknown as { __cwrKeyCacheState?: { generation: number; refreshing: Set<string> } };
const state = (g2.__cwrKeyCacheState ??= { generation: 0, refreshing: new Set() });

export function forgetCachedKeys(): void {
  state.generation++;
  keyCache.clear();
}

/** The agent a bearer key belongs to, or null for an unknown, malformed or revoked key. */
export async function authenticateApiKey(db: Db, secret: string, now = new Date()): Promise<KeyPrincipal | null> {
  if (!secret.startsWith(KEY_PREFIX) || secret.length > 100) return null;
  const hash = hashApiKey(secret);
  const cached = keyCache.get(hash);
  const age = cached ? now.getTime() - cached.at : Infinity;
  if (cached && age < KEY_CACHE_MS) {
    if (age >= KEY_CACHE_MS / 2 && !state.refreshing.has(hash)) {
      state.refreshing.add(hash);
      void lookupAndRemember(db, hash, now)
        .catch(() => {}) // the entry expires as usual; the next caller reads and sees the error
        .finally(() => state.refreshing.delete(hash));
    }
    return cached.principal;
  }
  return lookupAndRemember(db, hash, now);
}

async function lookupAndRemember(db: Db, hash: string, now: Date): Promise<KeyPrincipal | null> {
  const started = state.generation;
  const principal = await lookupKey(db, hash, now);
  if (started !== state.generation) return principal;
  if (principal && KEY_CACHE_MS > 0) {
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(hash, { at: now.getTime(), principal });
  } else keyCache.delete(hash);
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
