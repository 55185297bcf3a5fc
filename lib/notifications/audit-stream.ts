// SIEM streaming (SPEC §8, kind `audit.entry`): each subscribed endpoint follows the audit log from its
// first entry, in seq order, in signed batches. A batch names the seq before it (`previousSeq`), so a
// receiver sees a gap at once; a failed batch is retried later as the same message (same range, same
// webhook-id, same body) and the stream never moves past it. Entries past the seal horizon wait until
// the open requests close, as they do for every reader (lib/audit/seal.ts).
import type { Db } from "@/lib/db";
import { sealHorizon } from "@/lib/audit/data";
import { webhookHeaders } from "./sign";
import { EgressRefused, resolveTarget } from "./egress";
import { postPinned, type Outcome } from "./send";
import { STREAMED_KIND } from "./kinds";
import { deliveryLimits } from "./deliver";

const BATCH = Math.max(1, Number(process.env.AUDIT_STREAM_BATCH ?? 200));

type Claimed = {
  endpointId: string;
  deliveredSeq: bigint;
  pendingToSeq: bigint | null;
  attempts: number;
  endpoint: { url: string; secret: string };
};

export interface StreamRun {
  batches: number;
  entries: number;
  failed: number;
}

async function claim(db: Db, now: Date, leaseMs: number): Promise<Claimed[]> {
  const ids = await db.$queryRawUnsafe<Array<{ id: string }>>(
    `UPDATE audit_streams SET "lockedUntil" = $1
       WHERE "endpointId" IN (
         SELECT s."endpointId" FROM audit_streams s JOIN webhook_endpoints e ON e.id = s."endpointId"
          WHERE s."nextAttemptAt" <= $2 AND (s."lockedUntil" IS NULL OR s."lockedUntil" < $2) AND e.enabled
          FOR UPDATE OF s SKIP LOCKED)
     RETURNING "endpointId"::text AS id`,
    new Date(now.getTime() + leaseMs),
    now,
  );
  if (ids.length === 0) return [];
  return db.auditStream.findMany({
    where: { endpointId: { in: ids.map((r) => r.id) } },
    select: {
      endpointId: true,
      deliveredSeq: true,
      pendingToSeq: true,
      attempts: true,
      endpoint: { select: { url: true, secret: true } },
    },
  });
}

/** The batch body: pure, so a retry of the same range is byte-for-byte the message already sent. */
function batchBody(
  entries: ReadonlyArray<Record<string, unknown> & { seq: bigint; createdAt: Date }>,
  previous: bigint,
) {
  const first = entries[0]!;
  const last = entries[entries.length - 1]!;
  return JSON.stringify({
    type: STREAMED_KIND,
    timestamp: last.createdAt.toISOString(),
    data: {
      previousSeq: previous.toString(),
      fromSeq: first.seq.toString(),
      toSeq: last.seq.toString(),
      entries: entries.map((e) => ({ ...e, seq: e.seq.toString(), createdAt: e.createdAt.toISOString() })),
    },
  });
}

const ENTRY_FIELDS = {
  seq: true,
  createdAt: true,
  actorType: true,
  actorId: true,
  actorLabel: true,
  kind: true,
  entityType: true,
  entityId: true,
  agentId: true,
  actionTypeId: true,
  data: true,
  prevHash: true,
  hash: true,
} as const;

/** Sends one stream's backlog, batch after batch, until it is done, a send fails or the deadline passes. */
async function serveStream(db: Db, s: Claimed, now: Date, deadline: number, timeoutMs: number, run: StreamRun) {
  let delivered = s.deliveredSeq;
  let pendingTo = s.pendingToSeq;
  let attempts = s.attempts;
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      const horizon = await sealHorizon(db);
      const to = pendingTo ?? delivered + BigInt(BATCH);
      const entries = await db.auditEntry.findMany({
        where: { seq: { gt: delivered, lte: horizon === null ? to : to < horizon ? to : horizon } },
        orderBy: { seq: "asc" },
        select: ENTRY_FIELDS,
      });
      if (entries.length === 0) return;
      const last = entries[entries.length - 1]!.seq;
      const body = batchBody(entries, delivered);
      const id = `msg_audit_${delivered + 1n}_${last}`;
      let outcome: Outcome;
      try {
        const target = await resolveTarget(s.endpoint.url);
        const headers = webhookHeaders(s.endpoint.secret, id, Math.floor(Date.now() / 1000), body);
        outcome = await postPinned(target, headers, body, Math.min(timeoutMs, left));
      } catch (e) {
        if (!(e instanceof EgressRefused)) throw e;
        outcome = { ok: false, status: null, error: `not delivered: ${e.message}` };
      }
      const at = new Date();
      if (!outcome.ok) {
        attempts += 1;
        run.failed++;
        await db.auditStream.update({
          where: { endpointId: s.endpointId },
          data: {
            pendingToSeq: last,
            attempts,
            lastAttemptAt: at,
            lastError: `${outcome.status ?? "no answer"}: ${outcome.error}`.slice(0, 300),
            nextAttemptAt: new Date(now.getTime() + retryDelay(attempts)),
          },
        });
        return;
      }
      delivered = last;
      pendingTo = null;
      attempts = 0;
      run.batches++;
      run.entries += entries.length;
      await db.auditStream.update({
        where: { endpointId: s.endpointId },
        data: { deliveredSeq: last, pendingToSeq: null, attempts: 0, lastAttemptAt: at, lastError: "" },
      });
    }
  } finally {
    await db.auditStream.update({ where: { endpointId: s.endpointId }, data: { lockedUntil: null } });
  }
}

/** 10 s, 20 s, 40 s, … capped at 10 minutes: a stream never gives up, so its retries stay frequent. */
function retryDelay(attempts: number): number {
  return Math.min(600_000, 10_000 * 2 ** Math.max(0, attempts - 1));
}

/** One pass over the subscribed streams (the jobs leader runs it beside deliverDue, every few seconds). */
export async function deliverAuditStreams(db: Db, now = new Date()): Promise<StreamRun> {
  const limits = deliveryLimits();
  const run: StreamRun = { batches: 0, entries: 0, failed: 0 };
  const streams = await claim(db, now, limits.leaseMs);
  const deadline = Date.now() + limits.deadlineMs;
  await Promise.all(streams.map((s) => serveStream(db, s, now, deadline, limits.timeoutMs, run)));
  return run;
}

/** How far each stream is behind what it may be sent (entries up to the seal horizon). */
export async function auditStreamLag(db: Db) {
  const [streams, horizon, max] = await Promise.all([
    db.auditStream.findMany({
      select: { endpointId: true, deliveredSeq: true, attempts: true, lastAttemptAt: true, lastError: true },
    }),
    sealHorizon(db),
    db.auditEntry.aggregate({ _max: { seq: true } }),
  ]);
  const latest = max._max.seq ?? 0n;
  const sendable = horizon === null || horizon > latest ? latest : horizon;
  return new Map(
    streams.map((s) => [
      s.endpointId,
      {
        deliveredSeq: s.deliveredSeq.toString(),
        latestSeq: sendable.toString(),
        behind: Number(sendable > s.deliveredSeq ? sendable - s.deliveredSeq : 0n),
        failedAttempts: s.attempts,
        lastAttemptAt: s.lastAttemptAt?.toISOString() ?? null,
        lastError: s.lastError,
      },
    ]),
  );
}
