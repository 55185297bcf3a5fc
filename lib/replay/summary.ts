// The replay as pages show it: the proposed policy's timeline (promoted when eligible, the detector
// replayed) against what really happened, and the tier each ends at today. Plain, serialisable data.
import type { Db } from "@/lib/db";
import type { PolicyRules, Tier } from "@/lib/gating/types";
import { replayActionType } from "./data";
import type { ReplayPoint, ReplaySummary } from "./sentence";

export type { ReplayPoint, ReplaySummary } from "./sentence";
export { replaySentence } from "./sentence";

const point = (c: { at: number; from: Tier; to: Tier; cause: string }): ReplayPoint => ({ at: new Date(c.at).toISOString(), from: c.from, to: c.to, cause: c.cause });

export async function replaySummary(db: Db, actionTypeId: string, rules: PolicyRules, now = new Date()): Promise<ReplaySummary> {
  const { createdAt } = await db.actionType.findUniqueOrThrow({ where: { id: actionTypeId }, select: { createdAt: true } });
  const run = await replayActionType(db, actionTypeId, { rules, promote: "when_eligible", now });
  return {
    outcomes: run.outcomes,
    createdAt: createdAt.toISOString(),
    now: now.toISOString(),
    proposed: { changes: run.changes.filter((c) => c.from !== c.to).map(point), tier: run.tier, eligibleAt: run.eligibleAt.map((e) => new Date(e.at).toISOString()) },
    actual: { changes: run.actual.changes.map(point), tier: run.actual.tier },
  };
}

