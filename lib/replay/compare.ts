// The replay as pages show it (issue 20 item 9): the proposed policy against the CURRENT policy, both
// folded the same way over the same outcomes (promotions taken as soon as eligible, the detector where
// the live path runs it), in one pass of the worker. Cached by action type, both rules' hash, the
// newest event and the newest tier change: the same replay again is answered without the worker.
import { createHash } from "node:crypto";
import type { Db } from "@/lib/db";
import { canonicalJson } from "@cwr/gating/canonical";
import type { ReplayResult } from "@cwr/gating/replay";
import type { PolicyRules } from "@cwr/gating/types";
import { validatePolicyRules } from "@cwr/gating/defaults";
import { policyRulesSchema } from "@/lib/policies/schema";
import { AppError } from "@/lib/errors";
import { zodDetails } from "@/lib/errors/zod";
import { databaseTarget } from "@/lib/db/config";
import { outcomePages, REPLAY_PAGE, replayInputs } from "./data";
import { foldInWorker, takeReplaySlot } from "./pool";
import type { ReplayPoint, ReplayRunSummary, ReplaySummary } from "./sentence";

const CACHE_SIZE = 32;
// Small pages on the embedded default: the database runs on this thread, so a page's query holds the
// event loop while it runs; 1,000 rows keep each hold short and let agents' decisions in between. A
// PostgreSQL server runs the query elsewhere: the replay's own pages, a thousand round trips fewer per
// million outcomes.
const workerPage = () => (databaseTarget().kind === "pglite" ? 1_000 : REPLAY_PAGE);
// One per process, like the worker (route handlers and server actions are separate module instances).
const g = globalThis as unknown as { __cwrReplayCache?: Map<string, ReplaySummary> };
const cache = (g.__cwrReplayCache ??= new Map<string, ReplaySummary>());

const point = (c: { at: number; from: ReplayPoint["from"]; to: ReplayPoint["to"]; cause: string }): ReplayPoint => ({
  at: new Date(c.at).toISOString(),
  from: c.from,
  to: c.to,
  cause: c.cause,
});

const runSummary = (r: ReplayResult): ReplayRunSummary => ({
  changes: r.changes.filter((c) => c.from !== c.to).map(point),
  tier: r.tier,
  eligibleAt: r.eligibleAt.map((e) => new Date(e.at).toISOString()),
});

export async function replaySummary(
  db: Db,
  actionTypeId: string,
  rules: PolicyRules,
  now = new Date(),
): Promise<ReplaySummary> {
  const inputs = await replayInputs(db, actionTypeId);
  const key = createHash("sha256")
    .update(
      canonicalJson({
        actionTypeId,
        proposed: rules,
        current: inputs.policy.rules,
        version: inputs.policy.version,
        newestEvent: inputs.newestEvent,
        newestChange: inputs.newestChange,
        outcomesFrom: inputs.outcomesFrom,
      }),
    )
    .digest("hex");
  const hit = cache.get(key);
  if (hit) return hit;

  const release = takeReplaySlot();
  try {
    const base = {
      createdAt: inputs.actionType.createdAt.getTime(),
      recorded: inputs.recorded,
      promote: "when_eligible" as const,
    };
    const [proposed, current] = await foldInWorker(
      [
        { ...base, rules, policyVersion: inputs.policy.version + 1 },
        { ...base, rules: inputs.policy.rules, policyVersion: inputs.policy.version },
      ],
      outcomePages(db, actionTypeId, workerPage()),
      now.getTime(),
    );
    const summary: ReplaySummary = {
      outcomes: current!.outcomes,
      outcomesFrom: inputs.outcomesFrom,
      createdAt: inputs.actionType.createdAt.toISOString(),
      now: now.toISOString(),
      proposed: runSummary(proposed!),
      current: { ...runSummary(current!), version: inputs.policy.version },
    };
    cache.set(key, summary);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return summary;
  } finally {
    release();
  }
}

/** A proposed policy as a person sends it (the editor before saving, the replay route): checked, then replayed. */
export async function replayProposal(db: Db, input: { actionTypeId: string; rules: unknown }): Promise<ReplaySummary> {
  const parsed = policyRulesSchema.safeParse(input.rules);
  if (!parsed.success) throw new AppError("validation_failed", "The policy is not valid.", zodDetails(parsed.error));
  const problems = validatePolicyRules(parsed.data);
  if (problems.length)
    throw new AppError("validation_failed", `The policy is not valid: ${problems.join("; ")}.`, { problems });
  return replaySummary(db, input.actionTypeId, parsed.data);
}
