// Manual demotion, freeze and unfreeze (SPEC §3 rule 7): cheap, immediate, reviewer or admin, with a
// written rationale — the same rule whether called from the dashboard or the API. Decided by the state
// interpreter (lib/action-types/state.ts), which also re-pins the open requests.
import type { Db } from "@/lib/db";
import { rationaleProblem, type DecidedOn } from "@cwr/gating";
import type { Tier } from "@cwr/gating/types";
import { can } from "@cwr/gating/permissions";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { domainError, forbidden } from "@/lib/errors";
import { TX_OPTIONS } from "@/lib/db/locks";
import { changeState } from "@/lib/state/interpreter";

export type { DecidedOn };

function requireRationale(rationale: string) {
  const problem = rationaleProblem(rationale);
  if (problem) throw domainError({ code: "rationale_too_short", message: problem });
}

async function changeTier(db: Db, actionTypeId: string, command: Parameters<typeof changeState>[2], now: Date) {
  const change = await db.$transaction(
    (tx) => changeState(tx, { actionTypeId }, command, now, "tier_changed"),
    TX_OPTIONS,
  );
  const { changeId, from, to, frozen, stateVersion } = change;
  return { changeId, from, to, frozen, stateVersion };
}

export async function demoteManually(
  db: Db,
  user: UserPrincipal,
  input: { actionTypeId: string; toTier?: Tier; rationale: string; expected?: DecidedOn },
  now = new Date(),
) {
  if (!can(user.role, "tier:demote")) throw forbidden("Only reviewers and admins can demote.");
  requireRationale(input.rationale);
  return changeTier(
    db,
    input.actionTypeId,
    {
      type: "demote",
      rationale: input.rationale,
      actor: userActor(user),
      ...(input.toTier ? { toTier: input.toTier } : {}),
      ...(input.expected ? { expected: input.expected } : {}),
    },
    now,
  );
}

export async function setFrozen(
  db: Db,
  user: UserPrincipal,
  input: { actionTypeId: string; frozen: boolean; rationale: string; expected?: DecidedOn },
  now = new Date(),
) {
  if (!can(user.role, "tier:demote")) throw forbidden("Only reviewers and admins can freeze or unfreeze.");
  requireRationale(input.rationale);
  return changeTier(
    db,
    input.actionTypeId,
    {
      type: "freeze",
      frozen: input.frozen,
      rationale: input.rationale,
      actor: userActor(user),
      ...(input.expected ? { expected: input.expected } : {}),
    },
    now,
  );
}

/** Job: re-checks every action type above CRAWL (windows move with time, not only with events). */
export async function sweepDemotions(db: Db, now = new Date()) {
  // Only a CUSUM above zero can fire (incidents act inside the ingest); RUN is checked for its ramp's clock.
  const candidates = await db.actionType.findMany({
    where: { OR: [{ tier: { not: "CRAWL" }, cusum: { gt: 0 } }, { tier: "RUN" }] },
    select: { id: true },
  });
  const demoted = [];
  for (const { id } of candidates) {
    const { change } = await db.$transaction(
      (tx) => changeState(tx, { actionTypeId: id }, { type: "detect", peakCusum: "stored" }, now, "detected"),
      TX_OPTIONS,
    );
    if (change && change.to !== change.from) demoted.push(change);
  }
  return demoted;
}
