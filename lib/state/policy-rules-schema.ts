// The schema of a policy's rules (PolicyRules, @cwr/gating/types), with the SPEC's bounds: what an edit must
// satisfy and what every stored version is parsed with. zod lives here, in the state layer that interprets stored rules, so @cwr/gating
// stays free of dependencies; the state interpreter and the policies feature parse stored rules with it.
import { z } from "zod";
import { GATE_METHODS, POOL_ROLES, SEVERITIES } from "@cwr/gating/types";
import { POLICY_BOUNDS } from "@cwr/gating/defaults";

const rate = z.number().gt(0).lt(1);
const count = z.number().int().min(1).max(10_000_000);

/** Who may approve a promotion out of the tier (lib/gating/reviewer-pool.ts); absent: every reviewer. */
export const reviewerPoolSchema = z
  .strictObject({
    users: z.array(z.uuid()).max(50).optional(),
    roles: z.array(z.enum(POOL_ROLES)).max(POOL_ROLES.length).optional(),
  })
  .refine((p) => (p.users?.length ?? 0) + (p.roles?.length ?? 0) > 0, {
    message: "a reviewer pool names at least one person or role (leave it out to let every reviewer approve)",
  });

export const promotionBarSchema = z.strictObject({
  threshold: rate,
  minSamples: count,
  minDaysInTier: z.number().min(0).max(365),
  reviewers: z.number().int().min(1).max(10),
  /** `wilson`: the one pre-registered look, in outcomes (default minSamples) */
  lookAt: count.optional(),
  pool: reviewerPoolSchema.optional(),
});

export const demotionBarSchema = z
  .strictObject({
    threshold: rate,
    minSamples: count,
    failureRate: rate.optional(),
  })
  .refine(
    (d) => d.failureRate === undefined || d.failureRate >= 1 - d.threshold + POLICY_BOUNDS.failureRateGap - 1e-12,
    {
      message: `failureRate (q1) must be at least 1 − threshold (q0) + ${POLICY_BOUNDS.failureRateGap}`,
      path: ["failureRate"],
    },
  );

export const tierRulesSchema = z.strictObject({
  windowDays: z.number().int().min(1).max(365),
  promotion: promotionBarSchema.optional(),
  demotion: demotionBarSchema.optional(),
  evidence: z.enum(["any", "attested"]).optional(),
});

const percent = z.number().min(0).max(100).multipleOf(0.01);

/** The autonomy slider inside RUN: a fixed percent, or a ramp schedule of increasing steps. */
export const sliderSchema = z
  .strictObject({
    percent: percent,
    steps: z.array(percent).min(1).max(20).optional(),
    minDaysPerStep: z.number().min(0).max(365).optional(),
  })
  .refine((s) => !s.steps || s.steps.every((v, i) => i === 0 || v > s.steps![i - 1]!), {
    message: "steps must increase",
    path: ["steps"],
  });

/** Only the slider of stored rules (the agent API's hot path reads no more): other fields are not looked at. */
export const policySliderSchema = z.object({ slider: sliderSchema.optional() });

export const policyRulesSchema = z.strictObject({
  gate: z.enum(GATE_METHODS),
  alpha: z.number().min(POLICY_BOUNDS.alpha.min).max(POLICY_BOUNDS.alpha.max),
  demotionAlpha: z.number().min(POLICY_BOUNDS.alpha.min).max(POLICY_BOUNDS.alpha.max),
  /** target false-alarm run length of the demotion detector at the comfortable rate (default 10^6) */
  demotionArl: z.number().min(POLICY_BOUNDS.demotionArl.min).max(POLICY_BOUNDS.demotionArl.max).optional(),
  incidentSeverity: z.enum(SEVERITIES),
  reviewPeriodDays: z.number().int().min(1).max(90),
  proposalExpiryHours: z
    .number()
    .int()
    .min(POLICY_BOUNDS.proposalExpiryHours.min)
    .max(POLICY_BOUNDS.proposalExpiryHours.max)
    .optional(),
  tiers: z.strictObject({ CRAWL: tierRulesSchema, WALK: tierRulesSchema, RUN: tierRulesSchema }),
  slider: sliderSchema.optional(),
});
