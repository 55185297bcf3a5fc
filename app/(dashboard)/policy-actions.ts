"use server";
import { z } from "zod";
import { defineAction } from "@/lib/http/action";
import { editPolicy } from "@/lib/policies/mutations";

export const editPolicyAction = defineAction({
  name: "edit policy",
  permission: "policy:edit",
  // basedOnVersion: the policy version the editor showed (SPEC §3 rule 11).
  input: z.strictObject({
    actionTypeId: z.uuid(),
    basedOnVersion: z.int().min(1),
    rules: z.unknown(),
    reason: z.string().max(2000),
  }),
  run: ({ db, user, input }) =>
    editPolicy(db, user, {
      actionTypeId: input.actionTypeId,
      basedOnVersion: input.basedOnVersion,
      rules: input.rules,
      reason: input.reason,
    }),
});
