import { describe, expect, it } from "vitest";
import { defaultPolicy, validatePolicyRules } from "./defaults";
import { classifyPolicyChange } from "./policy-diff";
import { BLAST_RADII } from "./types";
import type { PolicyRules } from "./types";

const edit = (f: (p: PolicyRules) => void, base: PolicyRules = defaultPolicy("medium")): PolicyRules => {
  const p = structuredClone(base);
  f(p);
  return p;
};

describe("defaultPolicy", () => {
  it.each(BLAST_RADII)("%s is valid", (r) => expect(validatePolicyRules(defaultPolicy(r))).toEqual([]));

  it("uses the e-process at α = 0.05, a stricter demotion α, and a 14-day review period", () => {
    for (const r of BLAST_RADII)
      expect(defaultPolicy(r)).toMatchObject({
        gate: "eprocess",
        alpha: 0.05,
        demotionAlpha: 0.01,
        reviewPeriodDays: 14,
      });
  });

  it("matches the example numbers at the ends", () => {
    expect(defaultPolicy("low").tiers.CRAWL.promotion).toEqual({
      threshold: 0.8,
      minSamples: 50,
      minDaysInTier: 3,
      reviewers: 1,
    });
    expect(defaultPolicy("critical").tiers.CRAWL.promotion).toEqual({
      threshold: 0.97,
      minSamples: 400,
      minDaysInTier: 21,
      reviewers: 3,
    });
    expect(defaultPolicy("critical").incidentSeverity).toBe("low");
    expect(defaultPolicy("low").incidentSeverity).toBe("critical");
  });

  it("only gets stricter as the blast radius grows", () => {
    for (let i = 1; i < BLAST_RADII.length; i++) {
      const diff = classifyPolicyChange(defaultPolicy(BLAST_RADII[i - 1]!), defaultPolicy(BLAST_RADII[i]!));
      expect(diff.verdict).toBe("tighten");
      expect(diff.changes.filter((c) => c.direction === "loosen")).toEqual([]);
    }
  });

  it("returns a fresh object each time", () => {
    const a = defaultPolicy("low");
    a.tiers.CRAWL.promotion!.threshold = 0.1;
    expect(defaultPolicy("low").tiers.CRAWL.promotion!.threshold).toBe(0.8);
  });
});

describe("validatePolicyRules", () => {
  const problemsOf = (f: (p: PolicyRules) => void) => validatePolicyRules(edit(f));

  it("flags broken hysteresis (demotion threshold not below the promotion threshold beneath)", () => {
    expect(problemsOf((p) => (p.tiers.WALK.demotion!.threshold = p.tiers.CRAWL.promotion!.threshold))).toEqual([
      expect.stringMatching(/WALK: demotion threshold .* must be below CRAWL's promotion threshold/),
    ]);
    expect(problemsOf((p) => (p.tiers.RUN.demotion!.threshold = 0.95))).toEqual([
      expect.stringMatching(/RUN: .*below WALK's promotion threshold/),
    ]);
  });

  it("flags thresholds and alphas outside (0, 1)", () => {
    expect(problemsOf((p) => (p.tiers.CRAWL.promotion!.threshold = 1))).toContainEqual(
      expect.stringMatching(/CRAWL: promotion threshold must be between 0 and 1/),
    );
    expect(problemsOf((p) => (p.tiers.WALK.demotion!.threshold = 0))).toContainEqual(
      expect.stringMatching(/WALK: demotion threshold must be between 0 and 1/),
    );
    expect(problemsOf((p) => (p.alpha = 0))).toContainEqual(expect.stringMatching(/alpha must be between/));
    expect(problemsOf((p) => (p.demotionAlpha = 1))).toContainEqual(
      expect.stringMatching(/demotionAlpha must be between/),
    );
    expect(problemsOf((p) => (p.tiers.CRAWL.promotion!.threshold = Number.NaN))).toContainEqual(
      expect.stringMatching(/CRAWL: promotion threshold/),
    );
  });

  it("flags reviewers < 1 and bad counts", () => {
    expect(problemsOf((p) => (p.tiers.CRAWL.promotion!.reviewers = 0))).toEqual([
      "CRAWL: reviewers must be a whole number ≥ 1, got 0",
    ]);
    expect(problemsOf((p) => (p.tiers.WALK.promotion!.minSamples = 2.5))).toContainEqual(
      expect.stringMatching(/WALK: promotion minSamples/),
    );
    expect(problemsOf((p) => (p.tiers.WALK.promotion!.minDaysInTier = -1))).toContainEqual(
      expect.stringMatching(/minDaysInTier must be ≥ 0/),
    );
    expect(problemsOf((p) => (p.tiers.RUN.demotion!.minSamples = 0))).toContainEqual(
      expect.stringMatching(/RUN: demotion minSamples/),
    );
    expect(problemsOf((p) => (p.tiers.RUN.windowDays = 0))).toContainEqual(expect.stringMatching(/RUN: windowDays/));
    expect(problemsOf((p) => (p.reviewPeriodDays = 0))).toContainEqual(expect.stringMatching(/reviewPeriodDays/));
  });

  it("flags CRAWL with a demotion, RUN with a promotion, and missing bars", () => {
    expect(problemsOf((p) => (p.tiers.CRAWL.demotion = { threshold: 0.6, minSamples: 10 }))).toContainEqual(
      expect.stringMatching(/CRAWL: has a demotion bar/),
    );
    expect(
      problemsOf((p) => (p.tiers.RUN.promotion = { threshold: 0.99, minSamples: 10, minDaysInTier: 1, reviewers: 1 })),
    ).toContainEqual(expect.stringMatching(/RUN: has a promotion bar/));
    expect(problemsOf((p) => delete p.tiers.WALK.promotion)).toContainEqual("WALK: needs a promotion bar");
    expect(problemsOf((p) => delete p.tiers.RUN.demotion)).toContainEqual("RUN: needs a demotion bar");
  });

  it("flags a CUSUM that could never fire (alarm rate not worse than the acceptable rate)", () => {
    expect(problemsOf((p) => (p.tiers.WALK.demotion!.failureRate = 0.1))).toContainEqual(
      expect.stringMatching(/failureRate 0.1 must exceed/),
    );
    // threshold 0.5 → q0 = 0.5, default q1 = min(1, 0.5) = 0.5: not worse
    const lowBars = edit((p) => {
      p.tiers.CRAWL.promotion!.threshold = 0.6;
      p.tiers.WALK.demotion!.threshold = 0.5;
    });
    expect(validatePolicyRules(lowBars)).toContainEqual(
      expect.stringMatching(/too low for the default alarm failure rate/),
    );
  });

  it("flags an unknown gate or severity and lists every problem at once", () => {
    const p = edit((x) => {
      (x as { gate: string }).gate = "vibes";
      (x as { incidentSeverity: string }).incidentSeverity = "meh";
      x.alpha = 2;
    });
    expect(validatePolicyRules(p)).toHaveLength(3);
  });
});
