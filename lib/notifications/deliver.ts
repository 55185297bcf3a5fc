// The delivery worker: claims due deliveries (SKIP LOCKED, with a lease so a crashed worker's claim
// lapses), sends each signed, and records the outcome. A failure retries with exponential backoff;
// after the last attempt the delivery is a dead letter until an admin replays it. Delivery is at
// least once; the webhook-id is stable, so a receiver drops the rare duplicate after a crash.
import type { Db } from "@/lib/db";
import { deliveryBody, type EndpointFormat, type StoredPayload } from "./payload";
import { webhookHeaders } from "./sign";

export const WEBHOOK_MAX_ATTEMPTS = Number(process.env.WEBHOOK_MAX_ATTEMPTS ?? 10);
const BASE_DELAY_MS = Number(process.env.WEBHOOK_RETRY_BASE_MS ?? 10_000);
const MAX_DELAY_MS = 6 * 60 * 60_000;
const TIMEOUT_MS = Number(process.env.WEBHOOK_TIMEOUT_MS ?? 5_000);
const LEASE_MS = TIMEOUT_MS * 4;

/** Delay before attempt n+1 after n failed attempts: 10 s, 20 s, 40 s, … capped at 6 h. */
export function retryDelayMs(failedAttempts: number, baseMs = BASE_DELAY_MS): number {
  return Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, failedAttempts - 1));
}

export interface DeliveryRun {
  delivered: number;
  retrying: number;
  dead: number;
}

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

async function send(url: string, headers: Record<string, string>, body: string): Promise<Outcome> {
  try {
    // No redirects: a signed delivery goes to the configured address or nowhere.
    const res = await fetch(url, {
      method: "POST",
      headers: { ...headers, "user-agent": "crawl-walk-run-webhooks/1" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = (await res.text().catch(() => "")).slice(0, 200);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text}` : ""}` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const reason = err.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS} ms` : (err.cause?.code ?? err.message);
    return { ok: false, status: null, error: `not delivered: ${reason}` };
  }
}

/** One pass over the deliveries due at `now` (the jobs leader calls it every few seconds). */
export async function deliverDue(db: Db, now = new Date(), limit = 25): Promise<DeliveryRun> {
  const claimed = await db.$queryRawUnsafe<Array<{ id: string }>>(
    `UPDATE webhook_deliveries SET "lockedUntil" = $1
       WHERE id IN (
         SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d."endpointId"
          WHERE d.status = 'pending' AND d."nextAttemptAt" <= $2 AND (d."lockedUntil" IS NULL OR d."lockedUntil" < $2) AND e.enabled
          ORDER BY d."nextAttemptAt", d."createdAt" LIMIT $3 FOR UPDATE OF d SKIP LOCKED)
     RETURNING id::text AS id`,
    new Date(now.getTime() + LEASE_MS),
    now,
    limit,
  );
  const run: DeliveryRun = { delivered: 0, retrying: 0, dead: 0 };
  if (claimed.length === 0) return run;
  const rows = await db.webhookDelivery.findMany({
    where: { id: { in: claimed.map((c) => c.id) } },
    orderBy: [{ nextAttemptAt: "asc" }, { createdAt: "asc" }],
    select: {
      id: true,
      attempts: true,
      event: { select: { id: true, payload: true } },
      endpoint: { select: { url: true, secret: true, format: true } },
    },
  });
  for (const d of rows) {
    const body = deliveryBody(d.endpoint.format as EndpointFormat, d.event.payload as unknown as StoredPayload);
    const outcome = await send(
      d.endpoint.url,
      webhookHeaders(d.endpoint.secret, d.event.id, Math.floor(now.getTime() / 1000), body),
      body,
    );
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
    } else {
      const dead = attempts >= WEBHOOK_MAX_ATTEMPTS;
      await db.webhookDelivery.update({
        where: { id: d.id },
        data: {
          status: dead ? "dead" : "pending",
          attempts,
          lastAttemptAt: at,
          lastStatusCode: outcome.status,
          lastError: outcome.error,
          lockedUntil: null,
          ...(dead ? {} : { nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)) }),
        },
      });
      if (dead) run.dead++;
      else run.retrying++;
    }
  }
  return run;
}
