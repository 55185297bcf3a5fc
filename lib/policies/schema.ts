import { z } from "zod";
import { GATE_METHODS, SEVERITIES } from "@/lib/gating/types";

const rate = z.number().gt(0).lt(1);
const count = z.number().int().min(1).max(10_000_000);

export const promotionBarSchema = z.strictObject({
  threshold: rate,
  minSamples: count,
  minDaysInTier: z.number().min(0).max(365),
  reviewers: z.number().int().min(1).max(10),
});

export const demotionBarSchema = z.strictObject({
  threshold: rate,
  minSamples: count,
  failureRate: rate.optional(),
});

export const tierRulesSchema = z.strictObject({
  windowDays: z.number().int().min(1).max(365),
  promotion: promotionBarSchema.optional(),
  demotion: demotionBarSchema.optional(),
});

export const policyRulesSchema = z.strictObject({
  gate: z.enum(GATE_METHODS),
  alpha: z.number().gt(0).max(0.2),
  demotionAlpha: z.number().gt(0).max(0.2),
  incidentSeverity: z.enum(SEVERITIES),
  reviewPeriodDays: z.number().int().min(1).max(90),
  tiers: z.strictObject({ CRAWL: tierRulesSchema, WALK: tierRulesSchema, RUN: tierRulesSchema }),
});
