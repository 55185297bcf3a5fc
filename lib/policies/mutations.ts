// Policy edits (SPEC §3 rule 6): a tightening takes effect at once as a new version; any loosening
// becomes a policy_change request that needs review.
import type { Db } from "@/lib/db";
import { canonicalJson, checkRationale, classifyPolicyChange, validatePolicyRules } from "@/lib/gating";
import { lockActionTypes, TX_OPTIONS } from "@/lib/db/locks";
import type { PolicyRules } from "@/lib/gating/types";
import { can } from "@/lib/gating/permissions";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { AppError, domainError, forbidden } from "@/lib/errors";
import { zodDetails } from "@/lib/errors/zod";
import { currentPolicy } from "./data";
import { policyRulesSchema } from "./schema";
import { writePolicyVersion } from "./write";
import { openPolicyChangeRequest, repinOpenRequests, supersedePolicyChanges } from "@/lib/requests/mutations";

export interface PolicyEditInput {
  actionTypeId: string;
  rules: unknown;
  reason: string;
  /** the version the editor was shown (SPEC §3 rule 11): a newer one answers 409 and changes nothing */
  basedOnVersion?: number;
}

export async function editPolicy(db: Db, user: UserPrincipal, input: PolicyEditInput, now = new Date()) {
  if (!can(user.role, "policy:edit")) throw forbidden("Only admins change policies.");
  const parsed = policyRulesSchema.safeParse(input.rules);
  if (!parsed.success) throw new AppError("validation_failed", "The policy is not valid.", zodDetails(parsed.error));
  const rules = parsed.data as PolicyRules;
  const problems = validatePolicyRules(rules);
  if (problems.length)
    throw new AppError("validation_failed", `The policy is not valid: ${problems.join("; ")}.`, { problems });
  const reason = input.reason.trim();
  const problem = checkRationale(reason, "reason");
  if (problem) throw domainError({ code: "rationale_too_short", message: problem });

  return db.$transaction(async (tx) => {
    await lockActionTypes(tx, [input.actionTypeId]);
    const current = await currentPolicy(tx, input.actionTypeId);
    if (input.basedOnVersion !== undefined && input.basedOnVersion !== current.version) {
      throw new AppError(
        "state_moved",
        `Nothing was changed: the policy is now version ${current.version}, not ${input.basedOnVersion} as you saw it. Look at the new version and edit that.`,
        { changed: { policyVersion: { was: input.basedOnVersion, now: current.version } } },
      );
    }
    const diff = classifyPolicyChange(current.rules, rules);
    if (diff.verdict === "unchanged")
      throw new AppError("conflict", "The proposed policy is the same as the current one.");
    if (diff.verdict === "tighten") {
      const created = await writePolicyVersion(
        tx,
        userActor(user),
        { actionTypeId: input.actionTypeId, rules, reason },
        now,
      );
      await repinOpenRequests(tx, input.actionTypeId, `policy tightened to version ${created.version}`, now);
      await supersedePolicyChanges(tx, input.actionTypeId, created.version, now);
      return { outcome: "applied" as const, version: created.version, changes: diff.changes };
    }
    // The same loosening twice (a double click, two tabs) is one request, not two twins to review.
    const pending = await tx.reviewRequest.findMany({
      where: { actionTypeId: input.actionTypeId, kind: "policy_change", status: { in: ["open", "approved"] } },
      select: { id: true, proposedRules: true },
    });
    const twin = pending.find(
      (r) => r.proposedRules !== null && canonicalJson(r.proposedRules) === canonicalJson(rules),
    );
    if (twin)
      throw new AppError(
        "conflict",
        `This loosening is already waiting for review as request ${twin.id.slice(0, 8)}.`,
        { requestId: twin.id },
      );
    const request = await openPolicyChangeRequest(tx, user, { actionTypeId: input.actionTypeId, rules, reason }, now);
    return {
      outcome: "review" as const,
      requestId: request.id,
      reviewersRequired: request.reviewersRequired,
      changes: diff.changes,
    };
  }, TX_OPTIONS);
}
