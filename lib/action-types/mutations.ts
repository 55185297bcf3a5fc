// Manual demotion, freeze and unfreeze (SPEC §3 rule 7): cheap, immediate, reviewer or admin, with a
// written rationale — the same rule whether called from the dashboard or the API.
import type { Db } from "@/lib/db";
import { checkRationale, tierBelow, compareTiers } from "@/lib/gating";
import type { Tier } from "@/lib/gating/types";
import { can } from "@/lib/gating/permissions";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { AppError, domainError, forbidden } from "@/lib/errors";
import type { Tx } from "@/lib/db/client";
import { lockActionTypes, TX_OPTIONS } from "@/lib/db/locks";
import { recordTierChange } from "@/lib/tier-changes/mutations";
import { repinOpenRequests } from "@/lib/requests/mutations";

function requireRationale(rationale: string) {
  const problem = checkRationale(rationale);
  if (problem) throw domainError({ code: "rationale_too_short", message: problem });
}

async function lockedState(tx: Tx, actionTypeId: string) {
  await lockActionTypes(tx, [actionTypeId]);
  return tx.actionType.findUniqueOrThrow({
    where: { id: actionTypeId },
    select: { tier: true, frozen: true, stateVersion: true, tierSince: true },
  });
}

/** The state a person decided on (SPEC §3 rule 11): the tier shown and its stateVersion. */
export interface DecidedOn {
  tier?: Tier;
  frozen?: boolean;
  stateVersion: number;
}

/** Rule 11: if the state moved since the form was shown, 409 with what changed, and nothing changes. */
function requireUnmoved(
  at: { tier: string; frozen: boolean; stateVersion: number; tierSince: Date },
  expected: DecidedOn | undefined,
) {
  if (!expected) return;
  const changed: Record<string, { was: unknown; now: unknown }> = {};
  if (expected.tier !== undefined && expected.tier !== at.tier) changed.tier = { was: expected.tier, now: at.tier };
  if (expected.frozen !== undefined && expected.frozen !== at.frozen)
    changed.frozen = { was: expected.frozen, now: at.frozen };
  if (expected.stateVersion !== at.stateVersion)
    changed.stateVersion = { was: expected.stateVersion, now: at.stateVersion };
  if (Object.keys(changed).length === 0) return;
  const what = changed.tier
    ? `it is ${at.tier} now, not ${expected.tier}`
    : changed.frozen
      ? `it is ${at.frozen ? "frozen" : "not frozen"} now`
      : "its tier, freeze or policy changed";
  throw new AppError(
    "state_moved",
    `Nothing was changed: the action type moved since you looked (${what}). Look again and decide on the current state.`,
    {
      changed,
      current: {
        tier: at.tier,
        frozen: at.frozen,
        stateVersion: at.stateVersion,
        tierSince: at.tierSince.toISOString(),
      },
    },
  );
}

export async function demoteManually(
  db: Db,
  user: UserPrincipal,
  input: { actionTypeId: string; toTier?: Tier; rationale: string; expected?: DecidedOn },
  now = new Date(),
) {
  if (!can(user.role, "tier:demote")) throw forbidden("Only reviewers and admins can demote.");
  requireRationale(input.rationale);
  return db.$transaction(async (tx) => {
    const at = await lockedState(tx, input.actionTypeId);
    requireUnmoved(at, input.expected);
    const target = input.toTier ?? tierBelow(at.tier as Tier);
    if (!target || compareTiers(target, at.tier as Tier) >= 0)
      throw new AppError(
        "conflict",
        `Cannot demote from ${at.tier}${input.toTier ? ` to ${input.toTier}` : ""}: pick a lower tier.`,
      );
    const change = await recordTierChange(
      tx,
      {
        actionTypeId: input.actionTypeId,
        toTier: target,
        frozen: at.frozen,
        cause: "manual_demotion",
        actor: userActor(user),
        rationale: input.rationale.trim(),
      },
      now,
    );
    await repinOpenRequests(tx, input.actionTypeId, `manual demotion to ${target}`, now);
    return change;
  }, TX_OPTIONS);
}

export async function setFrozen(
  db: Db,
  user: UserPrincipal,
  input: { actionTypeId: string; frozen: boolean; rationale: string; expected?: DecidedOn },
  now = new Date(),
) {
  if (!can(user.role, "tier:demote")) throw forbidden("Only reviewers and admins can freeze or unfreeze.");
  requireRationale(input.rationale);
  return db.$transaction(async (tx) => {
    const at = await lockedState(tx, input.actionTypeId);
    requireUnmoved(at, input.expected);
    if (at.frozen === input.frozen)
      throw new AppError("conflict", input.frozen ? "It is already frozen." : "It is not frozen.");
    const change = await recordTierChange(
      tx,
      {
        actionTypeId: input.actionTypeId,
        toTier: at.tier as Tier,
        frozen: input.frozen,
        cause: input.frozen ? "freeze" : "unfreeze",
        actor: userActor(user),
        rationale: input.rationale.trim(),
      },
      now,
    );
    await repinOpenRequests(tx, input.actionTypeId, input.frozen ? "frozen" : "unfrozen", now);
    return change;
  }, TX_OPTIONS);
}
