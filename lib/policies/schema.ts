// The policies feature's input schemas. The rules' own schema is lib/state/policy-rules-schema.ts, shared with
// the state interpreter, which parses stored rules with it.
import { z } from "zod";
import { rationaleText } from "@/lib/forms/fields";

export {
  demotionBarSchema,
  policyRulesSchema,
  policySliderSchema,
  promotionBarSchema,
  sliderSchema,
  tierRulesSchema,
} from "@/lib/state/policy-rules-schema";

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
