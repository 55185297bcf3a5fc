// Tier-change fan-out, and key revocations (every instance's key cache must hear them). Every change
// is NOTIFYed inside its transaction (delivered on commit); each process LISTENs once — PGlite's
// in-process listen, or one dedicated pg connection that reconnects and then asks subscribers to
// resynchronise from the database (nothing missed is lost).
import { EventEmitter } from "node:events";
import pg from "pg";
import type { Database } from "./client";
import { KEY_CHANNEL, PROPOSAL_CHANNEL, TIER_CHANNEL } from "./channels";
import type { Tx } from "./client";
import { log, logError } from "@/lib/log";
import { incrementCounter } from "@/lib/counters";
import type { Tier } from "@cwr/gating/types";

export interface TierChangeMessage {
  id: string;
  actionTypeId: string;
  agentId: string;
  key: string;
  tier: Tier;
  frozen: boolean;
  tierSince: string;
  cause: string;
  at: string;
}

/** A proposal of the agent was decided (by a person or a reporter key): the agent reads it by id. */
export interface ProposalDecidedMessage {
  id: string;
  agentId: string;
  action: string;
  status: string;
  decidedAt: string;
}

type Listener = { change: (m: TierChangeMessage) => void; resync: () => void };

const state = globalThis as unknown as { __cwrBus?: EventEmitter; __cwrListening?: Promise<() => Promise<void>> };
const bus = (state.__cwrBus ??= new EventEmitter().setMaxListeners(0));

export function onTierChange(listener: Partial<Listener>): () => void {
  if (listener.change) bus.on("change", listener.change);
  if (listener.resync) bus.on("resync", listener.resync);
  return () => {
    if (listener.change) bus.off("change", listener.change);
    if (listener.resync) bus.off("resync", listener.resync);
  };
}

export function onProposalDecided(listener: (m: ProposalDecidedMessage) => void): () => void {
  bus.on("proposal", listener);
  return () => void bus.off("proposal", listener);
}

/** NOTIFYs a decision inside its transaction: delivered on commit, never for a rolled-back one. */
export async function notifyProposalDecided(tx: Tx, m: ProposalDecidedMessage): Promise<void> {
  await tx.$queryRawUnsafe(`SELECT pg_notify($1, $2)::text`, PROPOSAL_CHANNEL, JSON.stringify(m));
}

/** A key was revoked (every instance forgets the keys it verified); resync means notices may have been missed. */
export function onKeyRevoked(listener: { revoked: () => void; resync: () => void }): () => void {
  bus.on("key-revoked", listener.revoked);
  bus.on("resync", listener.resync);
  return () => {
    bus.off("key-revoked", listener.revoked);
    bus.off("resync", listener.resync);
  };
}

/** NOTIFYs a revocation inside its transaction: delivered on commit, never for a rolled-back one. */
export async function notifyKeyRevoked(tx: Tx, keyId: string): Promise<void> {
  await tx.$queryRawUnsafe(`SELECT pg_notify($1, $2)::text`, KEY_CHANNEL, keyId);
}

const deliverKeyRevoked = () => void bus.emit("key-revoked");

function deliverProposal(payload: string) {
  try {
    bus.emit("proposal", JSON.parse(payload) as ProposalDecidedMessage);
  } catch (e) {
    logError("bad proposal notification", e);
  }
}

function deliver(payload: string) {
  try {
    const message = JSON.parse(payload) as TierChangeMessage;
    incrementCounter("tier_changes_total");
    bus.emit("change", message);
  } catch (e) {
    logError("bad tier-change notification", e);
  }
}

/** Starts this process's one listener (idempotent); returns a stop function. */
export function startTierListener(database: Database): Promise<() => Promise<void>> {
  state.__cwrListening ??= database.pglite ? listenPglite(database) : listenPostgres(database);
  return state.__cwrListening;
}

/** Stops this process's listener (graceful shutdown); a later start opens a new one. */
export async function stopTierListener(): Promise<void> {
  const listening = state.__cwrListening;
  state.__cwrListening = undefined;
  if (listening) await (await listening.catch(() => async () => {}))();
}

async function listenPglite(database: Database) {
  const unlisten = await database.pglite!.listen(TIER_CHANNEL, deliver);
  const unlistenProposals = await database.pglite!.listen(PROPOSAL_CHANNEL, deliverProposal);
  const unlistenKeys = await database.pglite!.listen(KEY_CHANNEL, deliverKeyRevoked);
  return async () => {
    await unlisten();
    await unlistenProposals();
    await unlistenKeys();
  };
}

async function listenPostgres(database: Database) {
  if (database.target.kind !== "postgres") throw new Error("no PostgreSQL target");
  const url = database.target.url;
  let client: pg.Client | null = null;
  let stopped = false;
  let attempt = 0;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({
      connectionString: url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: "cwr-tier-listener",
    });
    c.on("notification", (msg) => {
      if (msg.channel === TIER_CHANNEL && msg.payload) deliver(msg.payload);
      if (msg.channel === PROPOSAL_CHANNEL && msg.payload) deliverProposal(msg.payload);
      if (msg.channel === KEY_CHANNEL) deliverKeyRevoked();
    });
    c.on("error", (e) => logError("tier listener connection error", e));
    c.on("end", () => {
      if (stopped) return;
      client = null;
      log("warn", "tier listener disconnected; reconnecting");
      setTimeout(() => void connect().catch(() => {}), Math.min(5_000, 100 * 2 ** attempt++));
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${TIER_CHANNEL}`);
      await c.query(`LISTEN ${PROPOSAL_CHANNEL}`);
      await c.query(`LISTEN ${KEY_CHANNEL}`);
    } catch (e) {
      logError("tier listener could not connect", e);
      c.removeAllListeners("end");
      await c.end().catch(() => {});
      setTimeout(() => void connect().catch(() => {}), Math.min(5_000, 100 * 2 ** attempt++));
      return;
    }
    client = c;
    if (attempt > 0) bus.emit("resync"); // changes made while we were away: re-read from the database
    attempt = 0;
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => {});
  };
}
