"use server";
import { z } from "zod";
import { defineAction } from "@/lib/http/action";
import { editPolicy } from "@/lib/policies/mutations";

export const editPolicyAction = defineAction({
  name: "edit policy",
  permission: "policy:edit",
  input: z.strictObject({ actionTypeId: z.uuid(), rules: z.unknown(), reason: z.string().max(2000) }),
  run: ({ db, user, input }) => editPolicy(db, user, { actionTypeId: input.actionTypeId, rules: input.rules, reason: input.reason }),
});
