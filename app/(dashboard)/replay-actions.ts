"use server";
import { defineAction } from "@/lib/http/action";
import { AppError } from "@/lib/http/errors";
import { zodDetails } from "@/lib/http/zod";
import { policyRulesSchema, replayInputSchema } from "@/lib/policies/schema";
import { validatePolicyRules } from "@/lib/gating";
import { replaySummary } from "@/lib/replay/summary";

/** The what-if replay of a policy not yet saved (the policy editor, before saving). Reads only. */
export const replayPolicyAction = defineAction({
  name: "replay policy",
  permission: "policy:edit",
  input: replayInputSchema,
  run: async ({ db, input }) => {
    const parsed = policyRulesSchema.safeParse(input.rules);
    if (!parsed.success) throw new AppError("validation_failed", "The policy is not valid.", zodDetails(parsed.error));
    const problems = validatePolicyRules(parsed.data);
    if (problems.length)
      throw new AppError("validation_failed", `The policy is not valid: ${problems.join("; ")}.`, { problems });
    return replaySummary(db, input.actionTypeId, parsed.data);
  },
});
