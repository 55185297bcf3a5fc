"use server";
import { defineAction } from "@/lib/http/action";
import { replayInputSchema } from "@/lib/policies/schema";
import { replayProposal } from "@/lib/replay/compare";

/** The what-if replay of a policy not yet saved (the policy editor, before saving). Reads only. */
export const replayPolicyAction = defineAction({
  name: "replay policy",
  permission: "policy:edit",
  input: replayInputSchema,
  run: async ({ db, input }) => replayProposal(db, input),
});
