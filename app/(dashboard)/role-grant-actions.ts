"use server";
// A second reviewer or admin decides a grant of review power (SPEC §3 rule 10), with a rationale.
import { defineAction } from "@/lib/http/action";
import { decideRoleGrant } from "@/lib/users/mutations";
import { roleGrantDecisionSchema } from "@/lib/users/schema";

export const decideRoleGrantAction = defineAction({
  name: "decide role grant",
  permission: "request:review",
  input: roleGrantDecisionSchema,
  run: ({ db, user, input }) => decideRoleGrant(db, user, input),
});
