"use server";
import { defineAction } from "@/lib/http/action";
import { editPolicy } from "@/lib/policies/mutations";
import { policyEditInputSchema } from "@/lib/policies/schema";

export const editPolicyAction = defineAction({
  name: "edit policy",
  permission: "policy:edit",
  input: policyEditInputSchema,
  run: ({ db, user, input }) =>
    editPolicy(db, user, {
      actionTypeId: input.actionTypeId,
      basedOnVersion: input.basedOnVersion,
      rules: input.rules,
      reason: input.reason,
    }),
});
