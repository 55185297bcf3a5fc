// Server-Sent Events for an agent's tiers: a snapshot, then every tier change of that agent as it
// commits, heartbeats, and resume from Last-Event-ID (missed changes are replayed).
import type { ServerResponse } from "node:http";
import type { Db } from "@/lib/db";
import { agentTier, listAgentTiers } from "@/lib/action-types/data";
import { onProposalDecided, onTierChange } from "@/lib/db/notify";
import { logError } from "@/lib/log";
import { incrementCounter } from "./metrics";
import { AppError } from "@/lib/errors";

const HEARTBEAT_MS = Number(process.env.SSE_HEARTBEAT_MS ?? 15_000);

/** The headers of every event stream (tiers, OFREP): no caching, no proxy buffering, a kept-alive socket. */
export const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;
/** One frame, encoded once: a change's frame is written to every stream of its agent. */
function frame(event: string, data: unknown, id?: string): Buffer {
  return Buffer.from(`${id ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

// One read and one encoding per tier change, however many of the agent's streams are open here: with every
// stream reading the same row, a change reached the 500th stream of an instance seconds late (bench
// streams-many). Kept a few seconds after it settles, for streams whose chain reaches it later.
const changeFrames = new Map<string, Promise<Buffer | null>>();
function changeFrame(db: Db, m: { id: string; agentId: string; key: string; cause: unknown; at: string }) {
  let shared = changeFrames.get(m.id);
  if (!shared) {
    shared = agentTier(db, m.agentId, m.key).then((view) =>
      view ? frame("tier_change", { ...view, cause: m.cause, changedAt: m.at }, m.id) : null,
    );
    changeFrames.set(m.id, shared);
    shared.then(
      () => setTimeout(() => changeFrames.delete(m.id), 5_000).unref(),
      () => changeFrames.delete(m.id),
    );
  }
  return shared;
}

const g = globalThis as unknown as {
  __cwrStreams?: { open: number };
  __cwrStreamClosers?: { closing: boolean; all: Set<() => void> };
};
export const streamStats = (g.__cwrStreams ??= { open: 0 });
const closers = (g.__cwrStreamClosers ??= { closing: false, all: new Set() });

/**
 * Graceful shutdown: every open stream is told to reconnect soon (to another instance, resuming from
 * Last-Event-ID) and ended; streams opened from now on end right after that advice too.
 */
export function closeAllStreams(): number {
  closers.closing = true;
  const n = closers.all.size;
  for (const close of [...closers.all]) close();
  return n;
}

// ── Per-key stream slots: a cap, and revoked keys' streams closed within a second ──────────────────

const REVOCATION_CHECK_MS = Number(process.env.SSE_REVOCATION_CHECK_MS ?? 500);
const slots = ((
  g as { __cwrStreamSlots?: { byKey: Map<string, Set<() => void>>; timer: NodeJS.Timeout | null; db: Db | null } }
).__cwrStreamSlots ??= { byKey: new Map(), timer: null, db: null });

export function maxStreamsPerKey(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.SSE_MAX_STREAMS_PER_KEY ?? 20);
  return Number.isInteger(n) && n >= 1 ? n : 20;
}

/** Every instance checks the keys of its open streams: revoked on any instance → closed here too. */
async function closeRevoked(): Promise<void> {
  const db = slots.db;
  if (!db || slots.byKey.size === 0) return;
  const revoked = await db.apiKey.findMany({
    where: { id: { in: [...slots.byKey.keys()] }, revokedAt: { not: null } },
    select: { id: true },
  });
  for (const { id } of revoked) for (const close of [...(slots.byKey.get(id) ?? [])]) close();
}

/**
 * Takes one of the key's stream slots (SSE_MAX_STREAMS_PER_KEY per instance, default 20): a full key
 * gets a clear 429. `close` is called when the key is revoked. Returns the release. Shared by every
 * event-stream route (tiers, OFREP).
 */
export function acquireStreamSlot(db: Db, keyId: string, close: () => void): () => void {
  const mine = slots.byKey.get(keyId) ?? new Set();
  const max = maxStreamsPerKey();
  if (mine.size >= max)
    throw new AppError(
      "rate_limited",
      `This key already has ${max} open streams here (SSE_MAX_STREAMS_PER_KEY); close one before opening another.`,
      { retryAfterSeconds: 5, openStreams: mine.size, max },
    );
  mine.add(close);
  slots.byKey.set(keyId, mine);
  slots.db = db;
  slots.timer ??= setInterval(
    () => void closeRevoked().catch((e) => logError("stream revocation check failed", e)),
    REVOCATION_CHECK_MS,
  );
  slots.timer.unref?.();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    mine.delete(close);
    if (mine.size === 0) slots.byKey.delete(keyId);
    if (slots.byKey.size === 0 && slots.timer) {
      clearInterval(slots.timer);
      slots.timer = null;
    }
  };
}

/**
 * Serves the agent's tier stream on a node:http response (the front answers GET /api/v1/tiers/stream):
 * a snapshot, or the changes since Last-Event-ID, then every change and decided proposal as it commits,
 * until the client leaves, the key is revoked or the server stops. Written straight to the socket: the
 * same frames through Next's web streams cost so much per write that the 500th stream of an instance
 * heard a change ~100 ms late (bench streams-many). Past the key's stream cap it throws 429 before any
 * header is written.
 */
export function serveTierStream(
  res: ServerResponse,
  db: Db,
  agentId: string,
  lastEventId: string | null,
  keyId: string,
  headers: Record<string, string>,
): void {
  let cleanup = () => {};
  let revoked = false;
  const release = acquireStreamSlot(db, keyId, () => {
    revoked = true;
    cleanup();
  });
  res.writeHead(200, { ...headers, ...EVENT_STREAM_HEADERS });
  let closed = false;
  const send = (chunk: Uint8Array | string) => {
    if (!closed) res.write(chunk);
  };
  const snapshot = async () =>
    send(frame("snapshot", { tiers: await listAgentTiers(db, agentId), at: new Date().toISOString() }));
  // Changes are sent in commit order; a slow query for one must not reorder the next.
  let chain = Promise.resolve();
  const unsubscribe = onTierChange({
    change: (m) => {
      if (m.agentId !== agentId) return;
      chain = chain
        .then(async () => {
          const bytes = await changeFrame(db, m);
          if (bytes) send(bytes);
        })
        .catch((e) => logError("sse change failed", e));
    },
    resync: () => {
      chain = chain.then(snapshot).catch((e) => logError("sse resync failed", e));
    },
  });
  // A decided proposal: no event id (Last-Event-ID resumes tier changes); the agent reads it by id.
  const offProposals = onProposalDecided((m) => {
    if (m.agentId !== agentId) return;
    chain = chain
      .then(() =>
        send(frame("proposal_decided", { id: m.id, action: m.action, status: m.status, decidedAt: m.decidedAt })),
      )
      .catch((e) => logError("sse proposal failed", e));
  });
  const heartbeat = setInterval(() => send(`: ping ${Date.now()}\n\n`), HEARTBEAT_MS);
  streamStats.open++;
  incrementCounter("sse_connections_total");
  const goAway = () => {
    send(`retry: 250\n: server shutting down, reconnect\n\n`);
    cleanup();
  };
  closers.all.add(goAway);
  cleanup = () => {
    if (closed) return;
    if (revoked) send(`event: revoked\ndata: {"reason":"the API key was revoked"}\n\n`);
    closed = true;
    release();
    closers.all.delete(goAway);
    streamStats.open--;
    clearInterval(heartbeat);
    unsubscribe();
    offProposals();
    res.end();
  };
  res.on("close", cleanup);
  send(`retry: 2000\n\n`);
  if (closers.closing) return goAway();
  void (async () => {
    try {
      const replayed = lastEventId ? await replaySince(db, agentId, lastEventId, send) : false;
      if (!replayed) await snapshot();
    } catch (e) {
      logError("sse start failed", e);
      cleanup();
    }
  })();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Replays this agent's tier changes after a known event id; false when the id is unknown. */
async function replaySince(db: Db, agentId: string, lastEventId: string, send: (c: Buffer) => void): Promise<boolean> {
  // Only a real UUID reaches the uuid column: anything else (36 dashes, say) made PostgreSQL throw
  // and the stream close with nothing sent. An unknown id gets a fresh snapshot instead.
  if (!UUID.test(lastEventId)) return false;
  const last = await db.tierChange.findUnique({
    where: { id: lastEventId },
    select: { createdAt: true, actionType: { select: { agentId: true } } },
  });
  if (!last || last.actionType.agentId !== agentId) return false;
  // Changes made in one transaction share a timestamp (one batch can demote several action types),
  // so "after" is `>=` minus the id itself: a sibling the client may not have seen is replayed
  // rather than lost. Re-sending one it saw is harmless: each event carries the current state.
  const changes = await db.tierChange.findMany({
    where: { createdAt: { gte: last.createdAt }, id: { not: lastEventId }, actionType: { agentId } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, cause: true, createdAt: true, actionType: { select: { key: true } } },
  });
  for (const c of changes) {
    const view = await agentTier(db, agentId, c.actionType.key);
    if (view) send(frame("tier_change", { ...view, cause: c.cause, changedAt: c.createdAt.toISOString() }, c.id));
  }
  return true;
}
