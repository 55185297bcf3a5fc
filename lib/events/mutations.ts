// Outcome event ingestion: each event validated on its own, stored once per idempotency key,
// rollups and the promotion evidence kept current, and the demotion detector run — all in one
// transaction per batch, so an acknowledged event is never lost and a retry never double-counts.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { outcomeOf, revertedSuccess, revertProblem, type FoldOutcome } from "@cwr/gating";
import type { EvidenceVerdict } from "@cwr/gating/evidence-verdict";
import type { EventKind, Tier } from "@cwr/gating/types";
import { AGENT_SOURCE, type EventSource } from "@cwr/gating/evidence-source";
import { appendAudit, SYSTEM_ACTOR, type Actor } from "@/lib/audit/mutations";
import { addToRollups, dayOf, type RollupDelta } from "@/lib/metrics/mutations";
import { changeState } from "@/lib/state/interpreter";
import { findUnstorable, outOfDatabaseRange } from "./storable";
import { fromDbKind, MAX_BATCH, outcomeEventSchema, type OutcomeEventInput } from "./schema";
import { insertEvents } from "./insert";
import { lockActionTypes } from "@/lib/db/locks";
import { zodDetails } from "@/lib/errors/zod";
import { AppError } from "@/lib/errors";
import { nextTurn } from "@/lib/next-turn";
import { archivedProblem, couldBeArchived } from "@cwr/gating/retention";
import { retentionSetting } from "@/lib/retention/data";

/** Events validated per turn of the event loop (~1 ms of zod each): an agent's decision waits at most that long. */
const VALIDATE_CHUNK = 100;

export type EventResult =
  | { index: number; idempotencyKey: string | null; status: "duplicate" }
  | ({ index: number; idempotencyKey: string | null; status: "accepted" } & Partial<EvidenceVerdict>)
  | { index: number; idempotencyKey: string | null; status: "rejected"; reason: string; details?: unknown };

/** One event refused on its own, with why. */
const rejected = (index: number, idempotencyKey: string | null, reason: string, details: unknown): EventResult => ({
  index,
  idempotencyKey,
  status: "rejected",
  reason,
  details,
});

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

export async function ingestEvents(
  db: Db,
  /** source: who reports (from the authenticated key; lib/gating/evidence-source.ts), default the agent */
  agent: { id: string; slug: string; source?: EventSource },
  batch: unknown[],
  now: Date = new Date(),
): Promise<IngestSummary> {
  const source = agent.source ?? AGENT_SOURCE;
  if (batch.length > MAX_BATCH)
    throw new AppError("payload_too_large", `A batch holds at most ${MAX_BATCH} events; got ${batch.length}.`);
  const results: EventResult[] = new Array(batch.length);
  const schema = outcomeEventSchema(() => now);

  // 1. Validate each event on its own, VALIDATE_CHUNK at a time with a turn of the loop between.
  const candidates: Array<{ index: number; event: OutcomeEventInput }> = [];
  for (let index = 0; index < batch.length; index++) {
    if (index > 0 && index % VALIDATE_CHUNK === 0) await nextTurn();
    const raw = batch[index];
    // What the database cannot hold is refused per event before zod: one such event must neither
    // fail its whole batch with a 500 nor poison every retry of it.
    const unstorable =
      findUnstorable(raw) ??
      (outOfDatabaseRange((raw as { occurredAt?: unknown } | null)?.occurredAt)
        ? { path: "occurredAt", message: "must be a year from 0001 on" }
        : null);
    if (unstorable) {
      results[index] = rejected(index, keyOf(raw), "invalid", { issues: [unstorable] });
      continue;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) candidates.push({ index, event: parsed.data });
    else results[index] = rejected(index, keyOf(raw), "invalid", zodDetails(parsed.error));
  }

  // 2. Resolve action keys through the database (never a plain object: `constructor` is just a key).
  const keys = [...new Set(candidates.map((c) => c.event.action))];
  const actionTypes = keys.length
    ? await db.actionType.findMany({ where: { agentId: agent.id, key: { in: keys } }, select: { id: true, key: true } })
    : [];
  const idByKey = new Map(actionTypes.map((a) => [a.key, a.id]));

  // 3. Unknown actions are rejected, and outcomes from archived months (lib/gating/retention.ts); a key
  // repeated inside the batch is a duplicate of its first use.
  const archivedBefore = candidates.some((c) => couldBeArchived(c.event.occurredAt.getTime(), now.getTime()))
    ? ((await retentionSetting(db)).archivedBefore?.getTime() ?? null)
    : null;
  const seen = new Set<string>();
  const parsed: Parsed[] = [];
  for (const c of candidates) {
    const actionTypeId = idByKey.get(c.event.action);
    const archived = archivedProblem(c.event.occurredAt.getTime(), archivedBefore);
    if (archived) {
      results[c.index] = rejected(c.index, c.event.idempotencyKey, "archived", { message: archived });
    } else if (!actionTypeId) {
      results[c.index] = rejected(c.index, c.event.idempotencyKey, "unknown_action", { action: c.event.action });
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
      (tx) =>
        storeOutcomes(
          tx,
          { actor: { type: "agent", id: agent.id, label: agent.slug }, agentId: agent.id, source },
          parsed,
          results,
          now,
        ),
      { timeout: 60_000, maxWait: 30_000 },
    );
    demotions.push(...inserted.demotions);
    for (const p of inserted.valid) {
      const base = { index: p.index, idempotencyKey: p.event.idempotencyKey };
      // An accepted event says whether it counts as evidence, and why not (lib/gating evidence-verdict).
      results[p.index] = inserted.fresh.has(p.event.idempotencyKey)
        ? { ...base, status: "accepted", ...inserted.verdicts.get(p.index) }
        : { ...base, status: "duplicate" };
    }
  }

  const count = (s: EventResult["status"]) => results.filter((r) => r.status === s).length;
  return {
    results,
    accepted: count("accepted"),
    duplicates: count("duplicate"),
    rejected: count("rejected"),
    demotions,
  };
}

/** Who reported a batch, for its ingestion audit entry; null audits nothing (the caller audits the act). */
interface Reporter {
  actor: Actor;
  agentId: string;
  /** stored on every event and counted per source by the fold (lib/gating/evidence-source.ts) */
  source: EventSource;
}

/**
 * Stores validated events inside the caller's transaction: the insert, the rollups, the evidence fold
 * and the demotion detector, then the ingestion audit entry. The one path every outcome takes.
 */
async function storeOutcomes(
  tx: Tx,
  reporter: Reporter & { audit?: boolean },
  parsed: Parsed[],
  results: EventResult[],
  now: Date,
) {
  const { agentId, source } = reporter;
  const demotions: IngestSummary["demotions"] = [];
  const ids = [...new Set(parsed.map((p) => p.actionTypeId))].sort();
  // Serialise ingestion per action type: evidence and CUSUM are sequential statistics.
  await lockActionTypes(tx, ids);
  // Under the lock, so two batches reverting the same event cannot both pass.
  const { valid, targets } = await resolveReverts(tx, agentId, parsed, results);
  const fresh = await insertEvents(
    tx,
    agentId,
    now,
    valid.map((p) => ({
      actionTypeId: p.actionTypeId,
      kind: p.event.kind,
      tier: p.event.tier,
      severity: p.event.severity ?? null,
      occurredAt: p.event.occurredAt,
      idempotencyKey: p.event.idempotencyKey,
      agentVersion: p.event.agentVersion ?? "",
      subjectRef: p.event.subjectRef ?? null,
      metadata: p.event.metadata,
      reverts: p.event.reverts ?? null,
      source,
    })),
  );
  const accepted = valid.filter((p) => fresh.has(p.event.idempotencyKey));
  await addToRollups(tx, rollupDeltas(accepted, targets));
  const verdicts = new Map<number, EvidenceVerdict>();
  for (const id of ids) {
    const mine = accepted.filter((p) => p.actionTypeId === id);
    const events = mine.map((p) => toFoldOutcome(p.event, targets, source));
    if (events.length > 0) {
      const folded = await foldAndDetect(tx, id, events, now);
      folded.verdicts.forEach((v, i) => verdicts.set(mine[i]!.index, v));
      const demotion = folded.change;
      if (demotion && demotion.to !== demotion.from) demotions.push(demotion);
    }
  }
  if (accepted.length > 0 && reporter.audit !== false) {
    await appendAudit(
      tx,
      {
        actor: reporter.actor,
        kind: "events.ingested",
        entityType: "agent",
        entityId: agentId,
        agentId,
        data: {
          source,
          accepted: accepted.length,
          duplicates: valid.length - accepted.length,
          actionTypes: ids.length,
        },
      },
      now,
    );
  }
  return { fresh, valid, demotions, verdicts };
}

/**
 * One outcome recorded inside the caller's transaction (a decision on a proposal, by a person or a reporter key): the same
 * insert, rollups, evidence fold and detector as a reported batch. The caller audits its own act.
 * False when the idempotency key was taken already (nothing was counted).
 */
export async function recordOutcome(
  tx: Tx,
  by: { agentId: string; source: EventSource },
  actionTypeId: string,
  event: OutcomeEventInput,
  now: Date,
): Promise<boolean> {
  const agentId = by.agentId;
  const { fresh } = await storeOutcomes(
    tx,
    { actor: SYSTEM_ACTOR, agentId, audit: false, source: by.source },
    [{ index: 0, event, actionTypeId }],
    [],
    now,
  );
  return fresh.has(event.idempotencyKey);
}

/** The event a revert names, as stored (or as sent earlier in the same batch). */
interface RevertTarget {
  actionTypeId: string;
  kind: EventKind;
  tier: Tier;
  occurredAt: Date;
  agentVersion: string;
}

/**
 * Checks every revert that names its event by the one rule (lib/gating/reverts.ts), with what the
 * database knows: the named events, and which are reverted already. A refused revert is rejected on its own.
 */
async function resolveReverts(tx: Tx, agentId: string, parsed: Parsed[], results: EventResult[]) {
  const targets = new Map<string, RevertTarget>();
  const naming = parsed.filter((p) => p.event.reverts);
  if (naming.length === 0) return { valid: parsed, targets };
  const keys = [...new Set(naming.map((p) => p.event.reverts!))];
  const stored = await tx.outcomeEvent.findMany({
    where: { agentId, idempotencyKey: { in: keys } },
    select: { idempotencyKey: true, actionTypeId: true, kind: true, tier: true, occurredAt: true, agentVersion: true },
  });
  for (const e of stored)
    targets.set(e.idempotencyKey, {
      actionTypeId: e.actionTypeId,
      kind: fromDbKind(e.kind),
      tier: e.tier as Tier,
      occurredAt: e.occurredAt,
      agentVersion: e.agentVersion,
    });
  for (const p of parsed) {
    if (!targets.has(p.event.idempotencyKey) && !p.event.reverts) {
      targets.set(p.event.idempotencyKey, {
        actionTypeId: p.actionTypeId,
        kind: p.event.kind,
        tier: p.event.tier,
        occurredAt: p.event.occurredAt,
        agentVersion: p.event.agentVersion ?? "",
      });
    }
  }
  // A retried revert is a duplicate, not a second revert.
  const retried = new Set(
    (
      await tx.outcomeEventKey.findMany({
        where: { agentId, idempotencyKey: { in: naming.map((p) => p.event.idempotencyKey) } },
        select: { idempotencyKey: true },
      })
    ).map((e) => e.idempotencyKey),
  );
  const taken = new Set(
    (await tx.outcomeEventKey.findMany({ where: { agentId, reverts: { in: keys } }, select: { reverts: true } })).map(
      (e) => e.reverts!,
    ),
  );
  const valid: Parsed[] = [];
  for (const p of parsed) {
    const key = p.event.reverts;
    if (!key || retried.has(p.event.idempotencyKey)) {
      valid.push(p);
      continue;
    }
    const target = targets.get(key);
    const problem = revertProblem(
      { reverts: key, occurredAt: p.event.occurredAt.getTime() },
      target && {
        kind: target.kind,
        tier: target.tier,
        occurredAt: target.occurredAt.getTime(),
        agentVersion: target.agentVersion || null,
        sameActionType: target.actionTypeId === p.actionTypeId,
      },
      taken.has(key),
    );
    if (problem) {
      results[p.index] = rejected(p.index, p.event.idempotencyKey, "invalid", {
        issues: [{ path: "reverts", message: problem }],
      });
      continue;
    }
    taken.add(key);
    valid.push(p);
  }
  return { valid, targets };
}

function toFoldOutcome(e: OutcomeEventInput, targets: Map<string, RevertTarget>, source: EventSource): FoldOutcome {
  const t = e.reverts ? targets.get(e.reverts) : undefined;
  return {
    kind: e.kind,
    tier: e.tier,
    occurredAt: e.occurredAt.getTime(),
    // An event that states no version (a human tool's report) is not a new agent.
    agentVersion: e.agentVersion || null,
    severity: e.severity ?? null,
    reverts: t
      ? { kind: t.kind, tier: t.tier, occurredAt: t.occurredAt.getTime(), agentVersion: t.agentVersion || null }
      : null,
    source,
  };
}

function rollupDeltas(events: Parsed[], targets: Map<string, RevertTarget>): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  const delta = (actionTypeId: string, tier: Tier, at: Date) => {
    const day = dayOf(at);
    const key = `${actionTypeId}|${tier}|${day}`;
    const d = byKey.get(key) ?? { actionTypeId, tier, day, successes: 0, failures: 0, incidents: 0 };
    byKey.set(key, d);
    return d;
  };
  for (const { actionTypeId, event } of events) {
    const target = event.reverts ? targets.get(event.reverts) : undefined;
    if (target) {
      const flipped = revertedSuccess({ ...target, occurredAt: target.occurredAt.getTime() });
      if (flipped) {
        const d = delta(actionTypeId, flipped.tier, new Date(flipped.occurredAt));
        d.successes--;
        d.failures++;
      }
      continue;
    }
    const d = delta(actionTypeId, event.tier, event.occurredAt);
    const outcome = outcomeOf(event.kind, event.tier);
    if (outcome === "success") d.successes++;
    else if (outcome === "failure") d.failures++;
    if (event.kind === "incident") d.incidents++;
  }
  return [...byKey.values()];
}

/** Folds the new events into the stored evidence and runs the detector: one command of the state interpreter. */
async function foldAndDetect(tx: Tx, actionTypeId: string, events: FoldOutcome[], now: Date) {
  const { change, verdicts } = await changeState(
    tx,
    { actionTypeId },
    { type: "ingest", outcomes: events },
    now,
    "folded",
  );
  return { change, verdicts };
}
