// Outcome event ingestion: each event validated on its own, stored once per idempotency key,
// rollups and the promotion evidence kept current, and the demotion detector run — all in one
// transaction per batch, so an acknowledged event is never lost and a retry never double-counts.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { cusumParams, cusumStep, outcomeOf, severityAtLeast } from "@/lib/gating";
import type { Severity, Tier } from "@/lib/gating/types";
import { appendAudit } from "@/lib/audit/mutations";
import { addToRollups, dayOf, type RollupDelta } from "@/lib/metrics/mutations";
import { currentPolicy } from "@/lib/policies/data";
import { detectAndDemote } from "@/lib/tier-changes/detector";
import { findUnstorable, outOfDatabaseRange } from "./storable";
import { MAX_BATCH, outcomeEventSchema, type OutcomeEventInput } from "./schema";
import { insertEvents } from "./insert";
import { lockActionTypes } from "@/lib/db/locks";
import { zodDetails } from "@/lib/http/zod";
import { AppError } from "@/lib/http/errors";

export type EventResult =
  | { index: number; idempotencyKey: string | null; status: "accepted" | "duplicate" }
  | { index: number; idempotencyKey: string | null; status: "rejected"; reason: string; details?: unknown };

export interface IngestSummary {
  results: EventResult[];
  accepted: number;
  duplicates: number;
  rejected: number;
  demotions: Array<{ actionKey: string; from: Tier; to: Tier; reason: string }>;
}

interface Parsed {
  index: number;
  event: OutcomeEventInput;
  actionTypeId: string;
}

function keyOf(raw: unknown): string | null {
  const k = (raw as { idempotencyKey?: unknown } | null)?.idempotencyKey;
  return typeof k === "string" ? k.slice(0, 128) : null;
}

export async function ingestEvents(db: Db, agent: { id: string; slug: string }, batch: unknown[], now: Date = new Date()): Promise<IngestSummary> {
  if (batch.length > MAX_BATCH) throw new AppError("payload_too_large", `A batch holds at most ${MAX_BATCH} events; got ${batch.length}.`);
  const results: EventResult[] = new Array(batch.length);
  const schema = outcomeEventSchema(() => now);

  // 1. Validate each event on its own.
  const candidates: Array<{ index: number; event: OutcomeEventInput }> = [];
  batch.forEach((raw, index) => {
    // What the database cannot hold is refused per event before zod: one such event must neither
    // fail its whole batch with a 500 nor poison every retry of it.
    const unstorable = findUnstorable(raw) ?? (outOfDatabaseRange((raw as { occurredAt?: unknown } | null)?.occurredAt) ? { path: "occurredAt", message: "must be a year from 0001 on" } : null);
    if (unstorable) {
      results[index] = { index, idempotencyKey: keyOf(raw), status: "rejected", reason: "invalid", details: { issues: [unstorable] } };
      return;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) candidates.push({ index, event: parsed.data });
    else results[index] = { index, idempotencyKey: keyOf(raw), status: "rejected", reason: "invalid", details: zodDetails(parsed.error) };
  });

  // 2. Resolve action keys through the database (never a plain object: `constructor` is just a key).
  const keys = [...new Set(candidates.map((c) => c.event.action))];
  const actionTypes = keys.length
    ? await db.actionType.findMany({ where: { agentId: agent.id, key: { in: keys } }, select: { id: true, key: true } })
    : [];
  const idByKey = new Map(actionTypes.map((a) => [a.key, a.id]));

  // 3. Unknown actions are rejected; a key repeated inside the batch is a duplicate of its first use.
  const seen = new Set<string>();
  const parsed: Parsed[] = [];
  for (const c of candidates) {
    const actionTypeId = idByKey.get(c.event.action);
    if (!actionTypeId) {
      results[c.index] = { index: c.index, idempotencyKey: c.event.idempotencyKey, status: "rejected", reason: "unknown_action", details: { action: c.event.action } };
    } else if (seen.has(c.event.idempotencyKey)) {
      results[c.index] = { index: c.index, idempotencyKey: c.event.idempotencyKey, status: "duplicate" };
    } else {
      seen.add(c.event.idempotencyKey);
      parsed.push({ index: c.index, event: c.event, actionTypeId });
    }
  }

  const demotions: IngestSummary["demotions"] = [];
  if (parsed.length > 0) {
    const inserted = await db.$transaction(
      async (tx) => {
        const ids = [...new Set(parsed.map((p) => p.actionTypeId))].sort();
        // Serialise ingestion per action type: evidence and CUSUM are sequential statistics.
        await lockActionTypes(tx, ids);
        const fresh = await insertEvents(
          tx,
          agent.id,
          now,
          parsed.map((p) => ({
            actionTypeId: p.actionTypeId,
            kind: p.event.kind,
            tier: p.event.tier,
            severity: p.event.severity ?? null,
            occurredAt: p.event.occurredAt,
            idempotencyKey: p.event.idempotencyKey,
            agentVersion: p.event.agentVersion ?? "",
            subjectRef: p.event.subjectRef ?? null,
            metadata: p.event.metadata,
          })),
        );
        const accepted = parsed.filter((p) => fresh.has(p.event.idempotencyKey));
        await addToRollups(tx, rollupDeltas(accepted));
        for (const id of ids) {
          const events = accepted.filter((p) => p.actionTypeId === id).map((p) => p.event);
          if (events.length > 0) {
            const demotion = await updateEvidenceAndDetect(tx, id, events, now);
            if (demotion) demotions.push(demotion);
          }
        }
        if (accepted.length > 0) {
          await appendAudit(
            tx,
            { actor: { type: "agent", id: agent.id, label: agent.slug }, kind: "events.ingested", entityType: "agent", entityId: agent.id, agentId: agent.id, data: { accepted: accepted.length, duplicates: parsed.length - accepted.length, actionTypes: ids.length } },
            now,
          );
        }
        return fresh;
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    for (const p of parsed) {
      results[p.index] = { index: p.index, idempotencyKey: p.event.idempotencyKey, status: inserted.has(p.event.idempotencyKey) ? "accepted" : "duplicate" };
    }
  }

  const count = (s: EventResult["status"]) => results.filter((r) => r.status === s).length;
  return { results, accepted: count("accepted"), duplicates: count("duplicate"), rejected: count("rejected"), demotions };
}

function rollupDeltas(events: Parsed[]): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  for (const { actionTypeId, event } of events) {
    const day = dayOf(event.occurredAt);
    const key = `${actionTypeId}|${event.tier}|${day}`;
    const d = byKey.get(key) ?? { actionTypeId, tier: event.tier, day, successes: 0, failures: 0, incidents: 0 };
    const outcome = outcomeOf(event.kind, event.tier);
    if (outcome === "success") d.successes++;
    else if (outcome === "failure") d.failures++;
    if (event.kind === "incident") d.incidents++;
    byKey.set(key, d);
  }
  return [...byKey.values()];
}

/** Replays the new events through the evidence counters and the CUSUM; demotes when the detector fires. */
async function updateEvidenceAndDetect(tx: Tx, actionTypeId: string, events: OutcomeEventInput[], now: Date) {
  const at = await tx.actionType.findUniqueOrThrow({
    where: { id: actionTypeId },
    select: { tier: true, tierSince: true, agentVersion: true, evidenceSince: true, evidenceSuccesses: true, evidenceTrials: true, cusum: true },
  });
  const policy = await currentPolicy(tx, actionTypeId);
  const tier = at.tier as Tier;
  const { q0, q1 } = cusumParams(policy.rules, tier);
  let { agentVersion, evidenceSince, evidenceSuccesses, evidenceTrials, cusum } = at;
  let peak = cusum;
  let worstIncident: Severity | null = null;

  for (const e of [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())) {
    // An incident in the current tier demotes whatever tier it was reported at: an agent whose SDK
    // fails closed reports CRAWL while it may really be acting in RUN.
    if (e.kind === "incident") {
      if (e.occurredAt >= at.tierSince && (!worstIncident || severityAtLeast(e.severity!, worstIncident))) worstIncident = e.severity!;
      continue;
    }
    if (e.tier !== tier || e.occurredAt < evidenceSince) continue; // another tier's, or before this evidence began
    // An event that states no version (a human tool's report) is not a new agent: it counts toward
    // the current evidence instead of wiping it.
    const version = e.agentVersion || null;
    if (version !== null) {
      if (agentVersion !== null && version !== agentVersion) {
        // A new model or prompt is a new agent: the promotion evidence starts over.
        evidenceSince = e.occurredAt;
        evidenceSuccesses = 0;
        evidenceTrials = 0;
      }
      agentVersion = version;
    }
    const outcome = outcomeOf(e.kind, tier);
    if (outcome === "ignored") continue;
    evidenceTrials++;
    if (outcome === "success") evidenceSuccesses++;
    if (tier !== "CRAWL") {
      cusum = cusumStep(cusum, outcome === "failure", q0, q1);
      peak = Math.max(peak, cusum);
    }
  }

  await tx.actionType.update({ where: { id: actionTypeId }, data: { agentVersion, evidenceSince, evidenceSuccesses, evidenceTrials, cusum } });
  return detectAndDemote(tx, actionTypeId, { peakCusum: peak, worstIncident }, now);
}
