"use server";
import { z } from "zod";
import { defineAction } from "@/lib/http/action";
import { AppError } from "@/lib/http/errors";
import { zodDetails } from "@/lib/http/zod";
import { policyRulesSchema } from "@/lib/policies/schema";
import { validatePolicyRules } from "@/lib/gating";
import type { PolicyRules } from "@/lib/gating/types";
import { replaySummary } from "@/lib/replay/summary";

/** The what-if replay of a policy not yet saved (the policy editor, before saving). Reads only. */
export const replayPolicyAction = defineAction({
  name: "replay policy",
  permission: "policy:edit",
  input: z.strictObject({ actionTypeId: z.uuid(), rules: z.unknown() }),
  run: async ({ db, input }) => {
    const parsed = policyRulesSchema.safeParse(input.rules);
    if (!parsed.success) throw new AppError("validation_failed", "The policy is not valid.", zodDetails(parsed.error));
    const problems = validatePolicyRules(parsed.data as PolicyRules);
    if (problems.length)
      throw new AppError("validation_failed", `The policy is not valid: ${problems.join("; ")}.`, { problems });
    return replaySummary(db, input.actionTypeId, parsed.data as PolicyRules);
  },
});
