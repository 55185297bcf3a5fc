import { z } from "zod";
import { ROLES } from "@/lib/gating/permissions";

export const userInputSchema = z.strictObject({
  email: z.string().trim().toLowerCase().email().max(200),
  name: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
  password: z.string().min(12).max(200).optional(),
});

export const roleChangeSchema = z.strictObject({
  userId: z.uuid(),
  role: z.enum(ROLES),
  reason: z.string().trim().max(2000).optional(),
});
export const roleGrantDecisionSchema = z.strictObject({
  grantId: z.uuid(),
  decision: z.enum(["approve", "reject"]),
  rationale: z.string().max(4000),
});
export const disableUserSchema = z.strictObject({ userId: z.uuid(), disabled: z.boolean() });
