// fast-check arbitrary of valid policies (tests only): every value inside the SPEC §2 bounds, the
// rest of the shape from the defaults. Filtered through validatePolicyRules.
import fc from "fast-check";
import { defaultPolicy, POLICY_BOUNDS, validatePolicyRules } from "@cwr/gating/defaults";
import { BLAST_RADII, GATE_METHODS, SEVERITIES, TIERS, type PolicyRules } from "@cwr/gating/types";

const rate = fc.double({ min: 0.01, max: 0.999, noNaN: true });

export const validPolicy: fc.Arbitrary<PolicyRules> = fc
  .record({
    radius: fc.constantFrom(...BLAST_RADII),
    gate: fc.constantFrom(...GATE_METHODS),
    alpha: fc.double({ min: POLICY_BOUNDS.alpha.min, max: POLICY_BOUNDS.alpha.max, noNaN: true }),
    demotionAlpha: fc.double({ min: POLICY_BOUNDS.alpha.min, max: POLICY_BOUNDS.alpha.max, noNaN: true }),
    demotionArl: fc.option(
      fc.double({ min: POLICY_BOUNDS.demotionArl.min, max: POLICY_BOUNDS.demotionArl.max, noNaN: true }),
      { nil: undefined },
    ),
    severity: fc.constantFrom(...SEVERITIES),
    crawl: rate,
    walk: rate,
    walkDemotion: rate,
    runDemotion: rate,
    gapWalk: fc.option(fc.double({ min: 0.02, max: 0.5, noNaN: true }), { nil: undefined }),
    minSamples: fc.integer({ min: 1, max: 2000 }),
    lookExtra: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
    window: fc.integer({ min: 1, max: 365 }),
    demotionMin: fc.integer({ min: 1, max: 500 }),
  })
  .map((r) => {
    const p = defaultPolicy(r.radius);
    p.gate = r.gate;
    p.alpha = r.alpha;
    p.demotionAlpha = r.demotionAlpha;
    if (r.demotionArl !== undefined) p.demotionArl = r.demotionArl;
    p.incidentSeverity = r.severity;
    p.tiers.CRAWL.promotion!.threshold = r.crawl;
    p.tiers.CRAWL.promotion!.minSamples = r.minSamples;
    if (r.lookExtra !== undefined) p.tiers.CRAWL.promotion!.lookAt = r.minSamples + r.lookExtra;
    p.tiers.WALK.promotion!.threshold = r.walk;
    p.tiers.WALK.demotion!.threshold = r.walkDemotion;
    p.tiers.WALK.demotion!.minSamples = r.demotionMin;
    if (r.gapWalk !== undefined) p.tiers.WALK.demotion!.failureRate = Math.min(0.999, 1 - r.walkDemotion + r.gapWalk);
    p.tiers.RUN.demotion!.threshold = r.runDemotion;
    for (const t of TIERS) p.tiers[t].windowDays = r.window;
    return p;
  })
  .filter((p) => validatePolicyRules(p).length === 0);
