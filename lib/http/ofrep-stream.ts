// OFREP event streams (ADR-0008): a Server-Sent Events stream a plain EventSource can open with the
// signed token of its URL, sending a `message` event `{"type":"refetchEvaluation","etag":…}` when
// it opens and on every tier change of its agent, so OpenFeature web providers re-fetch the bulk
// evaluation instead of polling. One tier-change subscription per process serves every stream;
// streams of a revoked key are closed within OFREP_STREAM_KEY_CHECK_MS (default 1 s).
import type { ServerResponse } from "node:http";
import type { Db } from "@/lib/db";
import { onTierChange } from "@/lib/db/notify";
import { applyTierChange, forgetAgentTiers } from "@/lib/action-types/tier-cache";
import { activeKeyIds } from "@/lib/keys/data";
import { onShutdown } from "@/lib/shutdown";
import { logError } from "@/lib/log";
import { incrementCounter } from "./metrics";
import type { StreamGrant } from "./stream-token";
import { acquireStreamSlot, EVENT_STREAM_HEADERS } from "./sse";

export const INACTIVITY_DELAY_SEC = Number(process.env.OFREP_INACTIVITY_DELAY_SEC ?? 120);
const HEARTBEAT_MS = Number(process.env.SSE_HEARTBEAT_MS ?? 15_000);
const KEY_CHECK_MS = Number(process.env.OFREP_STREAM_KEY_CHECK_MS ?? 1_000);

interface Client {
  grant: StreamGrant;
  res: ServerResponse;
  close(advice?: string): void;
}

interface Hub {
  db: Db | null;
  byAgent: Map<string, Set<Client>>;
  scheduled: Set<string>;
  unsubscribe: (() => void) | null;
  keyCheck: NodeJS.Timeout | null;
  shutdownHooked: boolean;
  closing: boolean;
  etagOf: ((db: Db, agentId: string) => Promise<string>) | null;
}

const g = globalThis as unknown as { __cwrOfrepStreams?: Hub };
const hub: Hub = (g.__cwrOfrepStreams ??= {
  db: null,
  byAgent: new Map(),
  scheduled: new Set(),
  unsubscribe: null,
  keyCheck: null,
  shutdownHooked: false,
  closing: false,
  etagOf: null,
});

const refetchEvent = (etag: string) => `data: ${JSON.stringify({ type: "refetchEvaluation", etag })}\n\n`;

/** Tells every stream of the agent to re-fetch; changes heard in the same tick are sent once. */
function refresh(agentId: string) {
  if (!hub.byAgent.has(agentId) || hub.scheduled.has(agentId)) return;
  hub.scheduled.add(agentId);
  queueMicrotask(async () => {
    hub.scheduled.delete(agentId);
    const clients = hub.byAgent.get(agentId);
    if (!clients?.size || !hub.db || !hub.etagOf) return;
    try {
      const chunk = refetchEvent(await hub.etagOf(hub.db, agentId));
      for (const c of clients) c.res.write(chunk);
    } catch (e) {
      logError("ofrep stream refresh failed", e);
    }
  });
}

function start(db: Db) {
  hub.db = db;
  // The tier cache must hold the change before its ETag is sent, whichever listener runs first.
  hub.unsubscribe ??= onTierChange({
    change: (m) => (applyTierChange(m), refresh(m.agentId)),
    resync: () => [...hub.byAgent.keys()].forEach((a) => (forgetAgentTiers(a), refresh(a))),
  });
  hub.keyCheck ??= setInterval(() => void closeRevoked(), KEY_CHECK_MS);
  hub.keyCheck.unref();
  if (!hub.shutdownHooked) {
    hub.shutdownHooked = true;
    onShutdown("ofrep event streams", closeAllOfrepStreams);
  }
}

function stopIfIdle() {
  if (hub.byAgent.size) return;
  hub.unsubscribe?.();
  hub.unsubscribe = null;
  if (hub.keyCheck) clearInterval(hub.keyCheck);
  hub.keyCheck = null;
}

async function closeRevoked() {
  const clients = [...hub.byAgent.values()].flatMap((s) => [...s]);
  if (!clients.length || !hub.db) return;
  try {
    const active = await activeKeyIds(hub.db, [...new Set(clients.map((c) => c.grant.keyId))]);
    for (const c of clients) if (!active.has(c.grant.keyId)) c.close();
  } catch (e) {
    logError("ofrep stream key check failed", e);
  }
}

/** Graceful shutdown: every stream is told to reconnect soon (to another instance) and ended. */
export function closeAllOfrepStreams(): void {
  hub.closing = true;
  for (const set of [...hub.byAgent.values()])
    for (const c of [...set]) c.close("retry: 250\n: server shutting down, reconnect\n\n");
}

/** Serves one stream for a verified grant until the client leaves, the key is revoked or the server stops. */
export async function serveOfrepStream(
  res: ServerResponse,
  db: Db,
  grant: StreamGrant,
  etagOf: (db: Db, agentId: string) => Promise<string>,
  headers: Record<string, string>,
): Promise<void> {
  hub.etagOf = etagOf;
  // The per-key stream cap and revocation close are shared with the SDK's stream (429 past the cap).
  let closeClient: () => void = () => {};
  const release = acquireStreamSlot(db, grant.keyId, () => closeClient());
  let etag: string;
  try {
    etag = await etagOf(db, grant.agentId);
  } catch (e) {
    release();
    throw e;
  }
  res.writeHead(200, { ...headers, ...EVENT_STREAM_HEADERS });
  res.write(`retry: 2000\n\n`);
  if (hub.closing) {
    release();
    res.end("retry: 250\n: server shutting down, reconnect\n\n");
    return;
  }
  start(db);
  let closed = false;
  const heartbeat = setInterval(() => res.write(`: ping ${Date.now()}\n\n`), HEARTBEAT_MS);
  const client: Client = {
    grant,
    res,
    close(advice) {
      if (closed) return;
      closed = true;
      release();
      clearInterval(heartbeat);
      const set = hub.byAgent.get(grant.agentId);
      set?.delete(client);
      if (set && !set.size) hub.byAgent.delete(grant.agentId);
      stopIfIdle();
      res.end(advice);
    },
  };
  closeClient = () => client.close();
  const set = hub.byAgent.get(grant.agentId) ?? new Set();
  set.add(client);
  hub.byAgent.set(grant.agentId, set);
  incrementCounter("ofrep_stream_connections_total");
  res.on("close", () => client.close());
  // A change made while this client was away (or connecting) is caught by a re-fetch now.
  res.write(refetchEvent(etag));
}
