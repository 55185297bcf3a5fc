// The one writer of an action type's state (with ./apply.ts, which writes the effects). Every mutation has one shape: lock → load the context once →
// decide (lib/gating/action-type-state.ts, pure) → apply the effects → audit, inside the caller's
// transaction. Tier changes, policy versions, request transitions and re-pins are written here and
// nowhere else; their follow-ups are part of the decision, so no caller can forget one.
import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import {
  decideStateChange,
  requestStateOf,
  type Answer,
  type LiveRequest,
  type StateCommand,
  type StateContext,
  type StateDeps,
  type StateRefusal,
  type StoredRequest,
} from "@cwr/gating";
import type { PolicyRules, Tier } from "@cwr/gating/types";
import { domainError, notFound, type ErrorCode } from "@/lib/errors";
import { toEvidenceState, type EvidenceStateRow } from "@/lib/metrics/evidence-state";
import { evidenceView } from "@/lib/metrics/evidence";
import { healthSummary, type HealthSummary } from "@cwr/gating/health-summary";
import { policyRulesSchema } from "@/lib/state/policy-rules-schema";
import { pinSnapshot } from "@/lib/metrics/snapshot";
import { applyEffects, type Subject } from "./apply";
import { openRequestOf, sameSummary, summaryColumns } from "./health-summary";

// Every refusal of the core is one of the error model's codes (a compile error otherwise).
const refusalIsErrorCode = (code: StateRefusal["code"]): ErrorCode => code;

export type StateTarget = { actionTypeId: string } | { requestId: string };

interface Loaded {
  ctx: StateContext;
  subject: Subject;
  /** the health summary as stored: a decision that leaves it as it is does not write it again */
  summary: HealthSummary;
}

type ActionTypeRow = EvidenceStateRow & {
  id: string;
  agentId: string;
  key: string;
  name: string;
  tier: Tier;
  tierSince: Date;
  frozen: boolean;
  stateVersion: number;
  rampStep: number;
  rampStepSince: Date;
  agentSlug: string;
  agentName: string;
  policy: { id: string; version: number; rules: unknown } | null;
  healthMargin: number;
  eligibleFrom: Date | null;
  summaryStaleAt: Date | null;
};

/** A stored request as the context query returns it (JSON reviews, the pinned policy beside it). */
type RequestRow = Omit<StoredRequest, "pinnedVersion" | "proposedPolicy" | "reviews" | "expiresAt"> & {
  expiresAt: Date;
  proposedRules: unknown;
  snapshotStateVersion: string | null;
  policyId: string;
  policyVersion: number;
  policyRules: unknown;
  reviews: Array<Omit<StoredRequest["reviews"][number], "at"> & { at: string }>;
};

const rules = (raw: unknown): PolicyRules => policyRulesSchema.parse(raw);

/**
 * Locks the action type (and its live requests, in that order: the lock order everywhere) and loads
 * all a decision reads, in two statements: the action type with its agent and current policy, then
 * its open and approved requests (and the named one) with their reviews and pinned policies.
 */
async function loadContext(tx: Tx, target: StateTarget): Promise<Loaded> {
  const byRequest = "requestId" in target;
  const [at] = await tx.$queryRawUnsafe<ActionTypeRow[]>(
    `SELECT a.id::text AS id, a."agentId"::text AS "agentId", a.key, a.name, a.tier::text AS tier, a."tierSince",
       a.frozen, a."stateVersion", a."rampStep", a."rampStepSince", a."agentVersion", a."evidenceSince",
       a."evidenceSuccesses", a."evidenceTrials", a."evidenceRestarts", a."evidenceDays", a."stayDays",
       a."gateLook", a.cusum, a."rampSuccesses", a."rampTrials", a."rampSpent", a."evidenceSources", g.slug AS "agentSlug", g.name AS "agentName",
       a."healthMargin", a."eligibleFrom", a."summaryStaleAt",
       (SELECT json_build_object('id', p.id, 'version', p.version, 'rules', p.rules) FROM policies p
         WHERE p."actionTypeId" = a.id ORDER BY p.version DESC LIMIT 1) AS policy
     FROM action_types a JOIN agents g ON g.id = a."agentId"
     WHERE a.id = ${byRequest ? `(SELECT r."actionTypeId" FROM review_requests r WHERE r.id = $1::uuid)` : `$1::uuid`}
     FOR UPDATE OF a`,
    byRequest ? target.requestId : target.actionTypeId,
  );
  if (!at) throw notFound(byRequest ? "Request" : "Action type");
  if (!at.policy) throw new Error(`action type ${at.id} has no policy`);
  const requestRows = await tx.$queryRawUnsafe<RequestRow[]>(
    `SELECT r.id::text AS id, r.kind::text AS kind, r.status::text AS status, r."requesterId"::text AS "requesterId",
       r."fromTier"::text AS "fromTier", r."toTier"::text AS "toTier", r."snapshotHash", r."reviewersRequired",
       r."expiresAt", r."proposedRules", r.snapshot->'actionType'->>'stateVersion' AS "snapshotStateVersion",
       p.id::text AS "policyId", p.version AS "policyVersion", p.rules AS "policyRules",
       COALESCE((SELECT json_agg(json_build_object('reviewerId', v."reviewerId", 'decision', v.decision,
           'snapshotHash', v."snapshotHash", 'rationale', v.rationale, 'at', v."createdAt") ORDER BY v."createdAt")
         FROM reviews v WHERE v."requestId" = r.id), '[]'::json) AS reviews
     FROM review_requests r JOIN policies p ON p.id = r."policyId"
     WHERE r."actionTypeId" = $1::uuid AND (r.status IN ('open', 'approved') OR r.id = $2::uuid)
     ORDER BY r.id FOR UPDATE OF r`,
    at.id,
    byRequest ? target.requestId : null,
  );
  if (byRequest && !requestRows.some((r) => r.id === target.requestId)) throw notFound("Request");
  const ctx: StateContext = {
    actionType: {
      id: at.id,
      agentId: at.agentId,
      key: at.key,
      tier: at.tier,
      tierSince: new Date(at.tierSince).getTime(),
      frozen: at.frozen,
      stateVersion: at.stateVersion,
      rampStep: at.rampStep,
      rampStepSince: new Date(at.rampStepSince).getTime(),
      evidence: toEvidenceState({ ...at, evidenceSince: new Date(at.evidenceSince) }),
    },
    policy: { id: at.policy.id, version: at.policy.version, rules: rules(at.policy.rules) },
    requests: requestRows.map(toLiveRequest),
  };
  const summary: HealthSummary = {
    healthMargin: Number(at.healthMargin),
    eligibleFrom: at.eligibleFrom === null ? null : new Date(at.eligibleFrom).getTime(),
    staleAt: at.summaryStaleAt === null ? null : new Date(at.summaryStaleAt).getTime(),
  };
  return { ctx, subject: { agentSlug: at.agentSlug, agentName: at.agentName, actionTypeName: at.name }, summary };
}

function toLiveRequest(r: RequestRow): LiveRequest {
  return {
    state: requestStateOf({
      ...r,
      pinnedVersion: r.policyVersion,
      proposedPolicy: r.proposedRules ? rules(r.proposedRules) : null,
      reviews: r.reviews.map((v) => ({ ...v, at: new Date(v.at) })),
    }),
    pinned: { id: r.policyId, version: r.policyVersion, rules: rules(r.policyRules) },
    snapshotStateVersion: r.snapshotStateVersion === null ? -1 : Number(r.snapshotStateVersion),
  };
}

/** What the pure core needs from the shell: ids, and the evidence snapshot (lib/metrics/evidence) of a state. */
function depsFor(subject: Subject): StateDeps {
  return {
    newId: randomUUID,
    snapshotOf(ctx, now) {
      const at = ctx.actionType;
      const openRequest = openRequestOf(ctx);
      const live = evidenceView(
        {
          actionType: { ...at, agentSlug: subject.agentSlug, agentVersion: at.evidence.agentVersion },
          policy: ctx.policy,
          openRequest,
        },
        new Date(now),
      );
      const { snapshot, hash } = pinSnapshot(live);
      return { snapshot, hash, eligibility: live.eligibility };
    },
  };
}

/**
 * Runs one command on an action type inside the caller's transaction: a refusal changes nothing and is
 * returned; otherwise the effects are written and the answer returned.
 */
export async function runStateCommand(
  tx: Tx,
  target: StateTarget,
  command: StateCommand,
  now: Date,
): Promise<{ ok: true; answer: Answer } | { ok: false; refusal: StateRefusal }> {
  const loaded = await loadContext(tx, target);
  const decision = decideStateChange(loaded.ctx, command, now.getTime(), depsFor(loaded.subject));
  if (!decision.ok) return decision;
  // The overview's summary of the state the effects leave, written with them (lib/state/health-summary.ts).
  const summary = healthSummary(decision.context, openRequestOf(decision.context), now.getTime());
  await applyEffects(tx, loaded.ctx, loaded.subject, decision.effects, now, {
    ...(sameSummary(summary, loaded.summary) ? {} : summaryColumns(summary)),
  });
  return { ok: true, answer: decision.answer };
}

/** The same, with a refusal thrown as the error model's AppError (the transaction rolls back). */
export async function changeState<T extends Answer["type"]>(
  tx: Tx,
  target: StateTarget,
  command: StateCommand,
  now: Date,
  expect?: T,
): Promise<Extract<Answer, { type: T }>> {
  const result = await runStateCommand(tx, target, command, now);
  if (!result.ok) throw refusalError(result.refusal);
  if (expect && result.answer.type !== expect)
    throw new Error(`expected a ${expect} answer, got ${result.answer.type}`);
  return result.answer as Extract<Answer, { type: T }>;
}

function refusalError(r: StateRefusal) {
  return domainError(
    { code: refusalIsErrorCode(r.code), message: r.message, ...(r.reasons ? { reasons: r.reasons } : {}) },
    r.details,
  );
}
