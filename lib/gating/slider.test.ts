import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyPolicyChange } from "./policy-diff";
import { defaultPolicy } from "./defaults";
import { decideForSubject, effectivePercent, insideSlider, sliderBucket, tierForSubject } from "./slider";

describe("the slider's hash", () => {
  it("is fixed: these buckets are what every instance, every restart and every SDK computes", () => {
    // Recorded once: a change of the hash would move customers in and out of RUN.
    expect([
      sliderBucket("salt-a", "customer-1"),
      sliderBucket("salt-a", "customer-2"),
      sliderBucket("salt-c", "customer-1"),
      sliderBucket("x", "customer-2"),
      sliderBucket("", ""),
    ]).toEqual([6092, 4787, 4633, 8544, 778]);
  });

  it("gives the same subject the same bucket every time", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        (salt, subject) => sliderBucket(salt, subject) === sliderBucket(salt, subject),
      ),
    );
  });

  it("raising the percentage never removes a subject", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (salt, subject, a, b) => {
          const [lo, hi] = [Math.min(a, b) / 100, Math.max(a, b) / 100];
          return !insideSlider(salt, subject, lo) || insideSlider(salt, subject, hi);
        },
      ),
    );
  });

  it("puts about the percentage of subjects inside, and 0 % / 100 % exactly none / all", () => {
    const subjects = Array.from({ length: 20_000 }, (_, i) => `cust-${i}`);
    const share = (p: number) => subjects.filter((s) => insideSlider("3f2a", s, p)).length / subjects.length;
    expect(share(0)).toBe(0);
    expect(share(100)).toBe(1);
    expect(Math.abs(share(5) - 0.05)).toBeLessThan(0.01);
    expect(Math.abs(share(25) - 0.25)).toBeLessThan(0.015);
  });

  it("depends on the salt: another action type splits other subjects", () => {
    const subjects = Array.from({ length: 2_000 }, (_, i) => `cust-${i}`);
    const a = subjects.filter((s) => insideSlider("salt-1", s, 50));
    const b = new Set(subjects.filter((s) => insideSlider("salt-2", s, 50)));
    const both = a.filter((s) => b.has(s)).length;
    expect(both / a.length).toBeGreaterThan(0.4);
    expect(both / a.length).toBeLessThan(0.6);
  });
});

describe("deciding for a subject", () => {
  const slider = { percent: 25, salt: "s" };
  const inside = Array.from({ length: 100 }, (_, i) => `c${i}`).find((s) => insideSlider("s", s, 25))!;
  const outside = Array.from({ length: 100 }, (_, i) => `c${i}`).find((s) => !insideSlider("s", s, 25))!;

  it("acts externally only inside the slider; outside gets WALK's answer", () => {
    expect(decideForSubject("RUN", false, "external", slider, inside)).toMatchObject({
      allowed: true,
      mode: "act_external",
      tier: "RUN",
      split: true,
    });
    // Issue 25: the tier stays the action type's (RUN); the answer is WALK's, and the slider says why.
    expect(decideForSubject("RUN", false, "external", slider, outside)).toMatchObject({
      allowed: false,
      mode: "act_internal",
      tier: "RUN",
      answeredAs: "WALK",
      limitedBy: { rule: "slider" },
      split: true,
    });
    expect(decideForSubject("RUN", false, "internal", slider, outside)).toMatchObject({
      allowed: true,
      mode: "act_internal",
      tier: "RUN",
      answeredAs: "WALK",
    });
  });

  it("without a subject answers as WALK while the slider is below 100 % (fail closed), and says so", () => {
    const d = decideForSubject("RUN", false, "external", slider, undefined);
    expect(d).toMatchObject({ allowed: false, mode: "act_internal", tier: "RUN", answeredAs: "WALK", split: true });
    expect(d.limitedBy?.reason).toMatch(/no subject given/);
    expect(d.reason).toMatch(/no subject given.*fail closed/);
    expect(tierForSubject("RUN", slider, undefined)).toEqual({ tier: "WALK", split: true });
  });

  it("changes nothing at 100 %, without a slider, or below RUN", () => {
    expect(decideForSubject("RUN", false, "external", { percent: 100, salt: "s" }, undefined)).toMatchObject({
      allowed: true,
      split: false,
    });
    expect(decideForSubject("RUN", false, "external", null, undefined)).toMatchObject({ allowed: true, split: false });
    expect(decideForSubject("WALK", false, "external", slider, inside)).toMatchObject({
      allowed: false,
      tier: "WALK",
      split: false,
    });
    expect(decideForSubject(null, false, "external", slider, inside)).toMatchObject({
      allowed: false,
      tier: "CRAWL",
      split: false,
    });
  });
});

describe("the slider in a policy change", () => {
  const base = defaultPolicy("medium");
  const verdict = (before: object | undefined, after: object | undefined) =>
    classifyPolicyChange(
      { ...base, ...(before ? { slider: before } : {}) } as never,
      { ...base, ...(after ? { slider: after } : {}) } as never,
    ).verdict;

  it("raising a percentage is a loosening, lowering tightens", () => {
    expect(verdict({ percent: 5 }, { percent: 25 })).toBe("loosen");
    expect(verdict({ percent: 25 }, { percent: 5 })).toBe("tighten");
    expect(verdict(undefined, { percent: 50 })).toBe("tighten");
    expect(verdict({ percent: 50 }, undefined)).toBe("loosen");
  });

  it("adding a step, removing one, or a shorter minimum time per step loosens", () => {
    expect(
      verdict(
        { percent: 100, steps: [5, 25], minDaysPerStep: 7 },
        { percent: 100, steps: [5, 25, 100], minDaysPerStep: 7 },
      ),
    ).toBe("loosen");
    expect(
      verdict(
        { percent: 100, steps: [5, 25, 100], minDaysPerStep: 7 },
        { percent: 100, steps: [5, 100], minDaysPerStep: 7 },
      ),
    ).toBe("loosen");
    expect(
      verdict(
        { percent: 100, steps: [5, 25, 100], minDaysPerStep: 7 },
        { percent: 100, steps: [5, 25, 100], minDaysPerStep: 3 },
      ),
    ).toBe("loosen");
    expect(
      verdict(
        { percent: 100, steps: [5, 25, 100], minDaysPerStep: 7 },
        { percent: 100, steps: [1, 5, 25, 100], minDaysPerStep: 7 },
      ),
    ).toBe("tighten");
    expect(verdict({ percent: 100 }, { percent: 100, steps: [5, 25, 100], minDaysPerStep: 7 })).toBe("tighten");
  });

  it("the effective percentage follows the schedule's step, clamped", () => {
    expect(effectivePercent({ percent: 100, steps: [5, 25, 100] }, 1)).toBe(25);
    expect(effectivePercent({ percent: 100, steps: [5, 25, 100] }, 9)).toBe(100);
    expect(effectivePercent({ percent: 40 }, 3)).toBe(40);
  });
});
