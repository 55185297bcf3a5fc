// Policy edits (SPEC §3 rule 6): a tightening takes effect at once as a new version; any loosening
// becomes a policy_change request that needs review. Decided by the state interpreter
// (lib/state/interpreter.ts), which also re-pins open requests and closes superseded changes.
import type { Db } from "@/lib/db";
import { rationaleProblem, validatePolicyRules } from "@cwr/gating";
import { TX_OPTIONS } from "@/lib/db/locks";
import type { PolicyRules } from "@cwr/gating/types";
import { can } from "@cwr/gating/permissions";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { AppError, domainError, forbidden } from "@/lib/errors";
import { zodDetails } from "@/lib/errors/zod";
import { changeState } from "@/lib/state/interpreter";
import type { z } from "zod";
import { policyRulesSchema, type policyEditInputSchema } from "./schema";

/** The editor's save (lib/policies/schema.ts); `basedOnVersion` is required there, optional for the seed and tests. */
export type PolicyEditInput = Omit<z.output<typeof policyEditInputSchema>, "basedOnVersion"> & {
  /** the version the editor was shown (SPEC §3 rule 11): a newer one answers 409 and changes nothing */
  basedOnVersion?: number;
};

export async function editPolicy(db: Db, user: UserPrincipal, input: PolicyEditInput, now = new Date()) {
  if (!can(user.role, "policy:edit")) throw forbidden("Only admins change policies.");
  const parsed = policyRulesSchema.safeParse(input.rules);
  if (!parsed.success) throw new AppError("validation_failed", "The policy is not valid.", zodDetails(parsed.error));
  const rules: PolicyRules = parsed.data;
  const problems = validatePolicyRules(rules);
  if (problems.length)
    throw new AppError("validation_failed", `The policy is not valid: ${problems.join("; ")}.`, { problems });
  const reason = input.reason.trim();
  const problem = rationaleProblem(reason, "reason");
  if (problem) throw domainError({ code: "rationale_too_short", message: problem });

  return db.$transaction(async (tx) => {
    const answer = await changeState(
      tx,
      { actionTypeId: input.actionTypeId },
      {
        type: "edit_policy",
        rules,
        reason,
        ...(input.basedOnVersion !== undefined ? { basedOnVersion: input.basedOnVersion } : {}),
        requester: { id: user.id, role: user.role },
        actor: userActor(user),
      },
      now,
    );
    if (answer.type === "policy_applied")
      return { outcome: "applied" as const, version: answer.version, changes: answer.changes };
    if (answer.type === "policy_review")
      return {
        outcome: "review" as const,
        requestId: answer.requestId,
        reviewersRequired: answer.reviewersRequired,
        changes: answer.changes,
      };
    throw new Error(`a policy edit answered ${answer.type}`);
  }, TX_OPTIONS);
}
