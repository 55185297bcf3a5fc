"use server";
// A second reviewer or admin decides a grant of review power (SPEC §3 rule 10), with a rationale.
import { z } from "zod";
import { defineAction } from "@/lib/http/action";
import { decideRoleGrant } from "@/lib/users/mutations";

export const decideRoleGrantAction = defineAction({
  name: "decide role grant",
  permission: "request:review",
  input: z.strictObject({
    grantId: z.uuid(),
    decision: z.enum(["approve", "reject"]),
    rationale: z.string().max(4000),
  }),
  run: ({ db, user, input }) => decideRoleGrant(db, user, input),
});
