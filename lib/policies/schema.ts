// The policies feature's input schemas. The rules' own schema lives beside PolicyRules in the pure core
// (lib/gating/policy-schema.ts), so the core and the state interpreter parse stored rules with it.
import { z } from "zod";
import { rationaleText } from "@/lib/forms/fields";

export {
  demotionBarSchema,
  policyRulesSchema,
  policySliderSchema,
  promotionBarSchema,
  sliderSchema,
  tierRulesSchema,
} from "@/lib/gating/policy-schema";

/** The policy editor's save: the rules are parsed by the mutation (policyRulesSchema, then the SPEC bounds). */
export const policyEditInputSchema = z.strictObject({
  actionTypeId: z.uuid(),
  /** the policy version the editor showed (SPEC §3 rule 11) */
  basedOnVersion: z.int().min(1),
  rules: z.unknown(),
  reason: rationaleText(2000, "reason"),
});
export type PolicyEditFormInput = z.input<typeof policyEditInputSchema>;

/** The what-if replay of rules not yet saved. */
export const replayInputSchema = z.strictObject({ actionTypeId: z.uuid(), rules: z.unknown() });
