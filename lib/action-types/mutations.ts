// Manual demotion, freeze and unfreeze (SPEC §3 rule 7): cheap, immediate, reviewer or admin, with a
// written rationale — the same rule whether called from the dashboard or the API.
import type { Db } from "@/lib/db";
import { checkRationale, tierBelow, compareTiers } from "@/lib/gating";
import type { Tier } from "@/lib/gating/types";
import { can } from "@/lib/auth/permissions";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { AppError, forbidden, notFound } from "@/lib/http/errors";
import { recordTierChange } from "@/lib/tier-changes/mutations";
import { repinOpenRequests } from "@/lib/requests/mutations";

const TX = { timeout: 30_000, maxWait: 30_000 };

function requireRationale(rationale: string) {
  const problem = checkRationale(rationale);
  if (problem) throw new AppError("rationale_too_short", problem.charAt(0).toUpperCase() + problem.slice(1) + ".", undefined, 422);
}

async function lockedState(tx: Parameters<Parameters<Db["$transaction"]>[0]>[0], actionTypeId: string) {
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM action_types WHERE id = $1::uuid FOR UPDATE`, actionTypeId);
  if (rows.length === 0) throw notFound("Action type");
  return tx.actionType.findUniqueOrThrow({ where: { id: actionTypeId }, select: { tier: true, frozen: true } });
}

export async function demoteManually(db: Db, user: UserPrincipal, input: { actionTypeId: string; toTier?: Tier; rationale: string }, now = new Date()) {
  if (!can(user.role, "tier:demote")) throw forbidden("Only reviewers and admins can demote.");
  requireRationale(input.rationale);
  return db.$transaction(async (tx) => {
    const at = await lockedState(tx, input.actionTypeId);
    const target = input.toTier ?? tierBelow(at.tier as Tier);
    if (!target || compareTiers(target, at.tier as Tier) >= 0) throw new AppError("conflict", `Cannot demote from ${at.tier}${input.toTier ? ` to ${input.toTier}` : ""}: pick a lower tier.`);
    const change = await recordTierChange(tx, { actionTypeId: input.actionTypeId, toTier: target, frozen: at.frozen, cause: "manual_demotion", actor: userActor(user), rationale: input.rationale.trim() }, now);
    await repinOpenRequests(tx, input.actionTypeId, `manual demotion to ${target}`, now);
    return change;
  }, TX);
}

export async function setFrozen(db: Db, user: UserPrincipal, input: { actionTypeId: string; frozen: boolean; rationale: string }, now = new Date()) {
  if (!can(user.role, "tier:demote")) throw forbidden("Only reviewers and admins can freeze or unfreeze.");
  requireRationale(input.rationale);
  return db.$transaction(async (tx) => {
    const at = await lockedState(tx, input.actionTypeId);
    if (at.frozen === input.frozen) throw new AppError("conflict", input.frozen ? "It is already frozen." : "It is not frozen.");
    const change = await recordTierChange(tx, { actionTypeId: input.actionTypeId, toTier: at.tier as Tier, frozen: input.frozen, cause: input.frozen ? "freeze" : "unfreeze", actor: userActor(user), rationale: input.rationale.trim() }, now);
    await repinOpenRequests(tx, input.actionTypeId, input.frozen ? "frozen" : "unfrozen", now);
    return change;
  }, TX);
}
