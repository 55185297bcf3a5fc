import { timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/db";
import { hashApiKey, KEY_PREFIX } from "./mutations";

export interface KeyPrincipal {
  keyId: string;
  agentId: string;
  agentSlug: string;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** The agent a bearer key belongs to, or null for an unknown, malformed or revoked key. */
export async function authenticateApiKey(db: Db, secret: string, now = new Date()): Promise<KeyPrincipal | null> {
  if (!secret.startsWith(KEY_PREFIX) || secret.length > 100) return null;
  const hash = hashApiKey(secret);
  const key = await db.apiKey.findUnique({ where: { hash }, select: { id: true, hash: true, revokedAt: true, lastUsedAt: true, agent: { select: { id: true, slug: true } } } });
  if (!key || key.revokedAt) return null;
  if (!timingSafeEqual(Buffer.from(key.hash), Buffer.from(hash))) return null;
  // last-used is informational: written at most once a minute so reads stay cheap.
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
  }
  return { keyId: key.id, agentId: key.agent.id, agentSlug: key.agent.slug };
}

export async function listApiKeys(db: Db) {
  const keys = await db.apiKey.findMany({
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, agent: { select: { slug: true } } },
  });
  return keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, agentSlug: k.agent.slug, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null }));
}
