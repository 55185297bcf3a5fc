// Inserting a batch of outcome events in one set-based statement. Prisma's createManyAndReturn spent
// ~130 ms of a ~200 ms 1,000-event batch compiling and mapping arguments (bench/README.md); unnest()
// with ON CONFLICT (on outcome_event_keys) does the same insert in ~20 ms. Returns the idempotency keys actually inserted.
// Rows go in statements of at most INSERT_CHUNK: on the embedded default each statement holds the
// event loop while it runs (lib/db/pglite-turns.ts), so a batch is several short holds, not one long.
import type { Tx } from "@/lib/db/client";

export interface EventRow {
  actionTypeId: string;
  /** database value, e.g. "action.completed" */
  kind: string;
  tier: string;
  severity: string | null;
  occurredAt: Date;
  idempotencyKey: string;
  agentVersion: string;
  subjectRef: string | null;
  metadata: unknown;
  reverts: string | null;
  /** agent, reporter:<key id> or person:<user id> (lib/gating/evidence-source.ts) */
  source: string;
}

export const INSERT_CHUNK = 200;

export async function insertEvents(tx: Tx, agentId: string, receivedAt: Date, rows: EventRow[]): Promise<Set<string>> {
  const keys = new Set<string>();
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    for (const key of await insertChunk(tx, agentId, receivedAt, rows.slice(i, i + INSERT_CHUNK))) keys.add(key);
  return keys;
}

async function insertChunk(tx: Tx, agentId: string, receivedAt: Date, rows: EventRow[]): Promise<string[]> {
  const inserted = await tx.$queryRawUnsafe<Array<{ idempotencyKey: string }>>(
    // The key goes into outcome_event_keys first (unique across outcome_events' monthly partitions); only
    // the rows whose key was new are stored, in the batch's order (ids follow it: the replay folds by id).
    `WITH u AS (
       SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
         WITH ORDINALITY AS u(a, k, t, s, o, i, v, r, m, x, src, n)
     ), fresh AS (
       INSERT INTO outcome_event_keys ("agentId", "idempotencyKey", reverts, "receivedAt")
       SELECT $1::uuid, u.i, u.x, $2::timestamptz FROM u ORDER BY u.n
       ON CONFLICT ("agentId", "idempotencyKey") DO NOTHING
       RETURNING "idempotencyKey"
     )
     INSERT INTO outcome_events ("agentId", "actionTypeId", kind, tier, severity, "occurredAt", "receivedAt", "idempotencyKey", "agentVersion", "subjectRef", metadata, reverts, source)
     SELECT $1::uuid, u.a::uuid, u.k::"EventKind", u.t::"Tier", u.s::"Severity", u.o::timestamptz, $2::timestamptz, u.i, u.v, u.r, u.m::jsonb, u.x, u.src
     FROM u JOIN fresh f ON f."idempotencyKey" = u.i
     ORDER BY u.n
     RETURNING "idempotencyKey"`,
    agentId,
    receivedAt.toISOString(),
    rows.map((r) => r.actionTypeId),
    rows.map((r) => r.kind),
    rows.map((r) => r.tier),
    rows.map((r) => r.severity),
    rows.map((r) => r.occurredAt.toISOString()),
    rows.map((r) => r.idempotencyKey),
    rows.map((r) => r.agentVersion),
    rows.map((r) => r.subjectRef),
    rows.map((r) => (r.metadata === undefined || r.metadata === null ? null : JSON.stringify(r.metadata))),
    rows.map((r) => r.reverts),
    rows.map((r) => r.source),
  );
  return inserted.map((r) => r.idempotencyKey);
}
