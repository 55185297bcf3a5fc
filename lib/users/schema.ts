import { z } from "zod";
import { ROLES } from "@cwr/gating/permissions";
import { REVIEW_DECISIONS } from "@cwr/gating/types";
import { oneOf, pickedId, rationaleText, requiredText } from "@/lib/forms/fields";

const role = oneOf(ROLES);

export const userInputSchema = z.strictObject({
  email: z
    .string({ error: "required" })
    .trim()
    .toLowerCase()
    .max(200, "at most 200 characters")
    .pipe(z.email("not a valid email address")),
  name: requiredText(120),
  role,
});
export type UserInput = z.input<typeof userInputSchema>;

/** The invitation page's form: the link's token and the password its owner chooses (rule 10). */
export const acceptInvitationSchema = z.strictObject({
  token: z.string({ error: "required" }).regex(/^[A-Za-z0-9_-]{43}$/, "not an invitation token"),
  password: z.string({ error: "required" }).min(12, "at least 12 characters").max(200, "at most 200 characters"),
});
export type AcceptInvitationInput = z.input<typeof acceptInvitationSchema>;

export const roleChangeSchema = z.strictObject({
  userId: pickedId("a user"),
  role,
  reason: z.string().trim().max(2000).optional(),
});
export const roleGrantDecisionSchema = z.strictObject({
  grantId: z.uuid(),
  decision: z.enum(REVIEW_DECISIONS),
  rationale: rationaleText(4000),
});
export type RoleGrantDecisionInput = z.input<typeof roleGrantDecisionSchema>;
export const disableUserSchema = z.strictObject({
  userId: pickedId("a user"),
  disabled: z.boolean({ error: "true or false" }),
});
