// The delivery worker: claims due deliveries (SKIP LOCKED, with a lease so a crashed worker's claim
// lapses), sends each signed, and records the outcome. A failure retries with exponential backoff;
// after the last attempt the delivery is a dead letter until an admin replays it. Delivery is at
// least once; the webhook-id is stable, so a receiver drops the rare duplicate after a crash.
// One receiver cannot stall the others (SPEC §6): endpoints are served in parallel, one delivery at a
// time each, under an overall deadline; the lease outlasts the longest batch, so no other worker
// takes a claimed delivery while it is being sent.
import type { Db } from "@/lib/db";
import { deliveryBody, type EndpointFormat, type StoredPayload } from "./payload";
import { webhookHeaders } from "./sign";
import { EgressRefused, resolveTarget, type Target } from "./egress";
import { postPinned, type Outcome } from "./send";

export const WEBHOOK_MAX_ATTEMPTS = Number(process.env.WEBHOOK_MAX_ATTEMPTS ?? 10);
const BASE_DELAY_MS = Number(process.env.WEBHOOK_RETRY_BASE_MS ?? 10_000);
const MAX_DELAY_MS = 6 * 60 * 60_000;

const positive = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** Per-send timeout, the batch's overall deadline, endpoints served at once, and the lease that outlasts a batch. */
export function deliveryLimits(env: NodeJS.ProcessEnv = process.env) {
  const timeoutMs = positive(env.WEBHOOK_TIMEOUT_MS, 5_000);
  const deadlineMs = positive(env.WEBHOOK_BATCH_DEADLINE_MS, 20_000);
  const concurrency = Math.floor(positive(env.WEBHOOK_CONCURRENCY, 8));
  // A batch ends by its deadline plus one send in flight; the lease adds a margin for recording outcomes.
  return { timeoutMs, deadlineMs, concurrency, leaseMs: deadlineMs + 2 * timeoutMs + 5_000 };
}

/** Delay before attempt n+1 after n failed attempts: 10 s, 20 s, 40 s, … capped at 6 h. */
export function retryDelayMs(failedAttempts: number, baseMs = BASE_DELAY_MS): number {
  return Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, failedAttempts - 1));
}

export interface DeliveryRun {
  delivered: number;
  retrying: number;
  dead: number;
}

type Claimed = {
  id: string;
  attempts: number;
  event: { id: string; payload: unknown };
  endpoint: { id: string; url: string; secret: string; format: string };
};

async function claim(db: Db, now: Date, limit: number, leaseMs: number): Promise<Claimed[]> {
  const claimed = await db.$queryRawUnsafe<Array<{ id: string }>>(
    `UPDATE webhook_deliveries SET "lockedUntil" = $1
       WHERE id IN (
         SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d."endpointId"
          WHERE d.status = 'pending' AND d."nextAttemptAt" <= $2 AND (d."lockedUntil" IS NULL OR d."lockedUntil" < $2) AND e.enabled
          ORDER BY d."nextAttemptAt", d."createdAt" LIMIT $3 FOR UPDATE OF d SKIP LOCKED)
     RETURNING id::text AS id`,
    new Date(now.getTime() + leaseMs),
    now,
    limit,
  );
  if (claimed.length === 0) return [];
  return db.webhookDelivery.findMany({
    where: { id: { in: claimed.map((c) => c.id) } },
    orderBy: [{ nextAttemptAt: "asc" }, { createdAt: "asc" }],
    select: {
      id: true,
      attempts: true,
      event: { select: { id: true, payload: true } },
      endpoint: { select: { id: true, url: true, secret: true, format: true } },
    },
  });
}

async function record(db: Db, d: Claimed, outcome: Outcome, now: Date, run: DeliveryRun) {
  const attempts = d.attempts + 1;
  const at = new Date();
  if (outcome.ok) {
    await db.webhookDelivery.update({
      where: { id: d.id },
      data: {
        status: "delivered",
        attempts,
        deliveredAt: at,
        lastAttemptAt: at,
        lastStatusCode: outcome.status,
        lastError: "",
        lockedUntil: null,
      },
    });
    run.delivered++;
    return;
  }
  const dead = attempts >= WEBHOOK_MAX_ATTEMPTS;
  await db.webhookDelivery.update({
    where: { id: d.id },
    data: {
      status: dead ? "dead" : "pending",
      attempts,
      lastAttemptAt: at,
      lastStatusCode: outcome.status,
      lastError: outcome.error.slice(0, 300),
      lockedUntil: null,
      ...(dead ? {} : { nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)) }),
    },
  });
  if (dead) run.dead++;
  else run.retrying++;
}

/** Gives untried deliveries back (no attempt counted): the next pass takes them. */
async function release(db: Db, rest: readonly Claimed[]) {
  if (rest.length)
    await db.webhookDelivery.updateMany({ where: { id: { in: rest.map((d) => d.id) } }, data: { lockedUntil: null } });
}

/** One pass over the deliveries due at `now` (the jobs leader calls it every few seconds). */
export async function deliverDue(db: Db, now = new Date(), limit = 25): Promise<DeliveryRun> {
  const limits = deliveryLimits();
  const run: DeliveryRun = { delivered: 0, retrying: 0, dead: 0 };
  const rows = await claim(db, now, limit, limits.leaseMs);
  if (rows.length === 0) return run;
  const deadline = Date.now() + limits.deadlineMs;
  const byEndpoint = new Map<string, Claimed[]>();
  for (const d of rows) byEndpoint.set(d.endpoint.id, [...(byEndpoint.get(d.endpoint.id) ?? []), d]);

  // One endpoint's deliveries in order, one at a time; a send that got no answer ends its turn.
  const serve = async (queue: Claimed[]) => {
    let target: Target | null = null;
    for (let i = 0; i < queue.length; i++) {
      const d = queue[i]!;
      const left = deadline - Date.now();
      if (left <= 0) return release(db, queue.slice(i));
      let outcome: Outcome;
      try {
        target ??= await resolveTarget(d.endpoint.url); // resolved and checked at send time, once per batch
        const body = deliveryBody(d.endpoint.format as EndpointFormat, d.event.payload as StoredPayload);
        const headers = webhookHeaders(d.endpoint.secret, d.event.id, Math.floor(now.getTime() / 1000), body);
        outcome = await postPinned(target, headers, body, Math.min(limits.timeoutMs, left));
      } catch (e) {
        if (!(e instanceof EgressRefused)) throw e;
        outcome = { ok: false, status: null, error: `not delivered: ${e.message}` };
      }
      await record(db, d, outcome, now, run);
      if (!outcome.ok && outcome.status === null) return release(db, queue.slice(i + 1));
    }
  };
  const queues = [...byEndpoint.values()];
  const workers = Array.from({ length: Math.min(limits.concurrency, queues.length) }, async () => {
    for (let q = queues.shift(); q; q = queues.shift()) await serve(q);
  });
  await Promise.all(workers);
  return run;
}
