// The policies feature's input schemas. The rules' own schema lives beside PolicyRules in the pure core.
export {
  demotionBarSchema,
  policyRulesSchema,
  promotionBarSchema,
  sliderSchema,
  tierRulesSchema,
} from "@/lib/gating/policy-schema";
