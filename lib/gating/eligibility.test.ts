import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { DAY_MS, evaluateEligibility, type EligibilityState } from "./eligibility";
import type { PolicyRules } from "./types";

// medium CRAWL bar: threshold 0.85, minSamples 100, minDaysInTier 7, α 0.05
const policy = defaultPolicy("medium");
const NOW = Date.UTC(2025, 0, 31);
const daysAgo = (d: number) => new Date(NOW - d * DAY_MS);

const ready: EligibilityState = {
  tier: "CRAWL",
  tierSince: daysAgo(10),
  frozen: false,
  openRequest: false,
  evidence: { successes: 290, trials: 300 },
  window: { successes: 95, trials: 100 },
};

const codes = (s: EligibilityState, p: PolicyRules = policy, now: Date | number = NOW) =>
  evaluateEligibility(s, p, now).unmet.map((u) => u.code);

describe("evaluateEligibility", () => {
  it("is eligible when bar, samples and time are all met", () => {
    const r = evaluateEligibility(ready, policy, new Date(NOW));
    expect(r.eligible).toBe(true);
    expect(r.unmet).toEqual([]);
    // The stay's first evidence tests at α_0 = 0.8·α (SPEC §2): 1/α_0 = 25.
    expect(r.gate).toMatchObject({ cleared: true, method: "eprocess" });
    expect(r.gate!.required).toBeCloseTo(25, 9);
  });

  it("top_tier: RUN has nothing above it, and no gate", () => {
    const r = evaluateEligibility({ ...ready, tier: "RUN" }, policy, NOW);
    expect(r.eligible).toBe(false);
    expect(r.gate).toBeNull();
    expect(r.unmet).toEqual([expect.objectContaining({ code: "top_tier", actual: "RUN" })]);
  });

  it("frozen", () => {
    expect(evaluateEligibility({ ...ready, frozen: true }, policy, NOW).unmet).toEqual([
      expect.objectContaining({ code: "frozen", required: false, actual: true }),
    ]);
  });

  it("open_request", () => {
    expect(evaluateEligibility({ ...ready, openRequest: true }, policy, NOW).unmet).toEqual([
      expect.objectContaining({ code: "open_request", required: false, actual: true }),
    ]);
  });

  it("bar_not_cleared, with the statistic against what is required", () => {
    const r = evaluateEligibility({ ...ready, evidence: { successes: 255, trials: 300 } }, policy, NOW);
    expect(r.unmet).toEqual([expect.objectContaining({ code: "bar_not_cleared" })]);
    const u = r.unmet[0]!;
    expect(u.required).toBeCloseTo(25, 9);
    expect(u.actual).toBeLessThan(25);
    expect(u.message).toMatch(/^bar not cleared: e-value [\d.]+ < 25$/);
  });

  it("samples: 'needs N outcomes, has M'", () => {
    const r = evaluateEligibility(
      { ...ready, evidence: { successes: 143, trials: 143 } },
      {
        ...policy,
        tiers: {
          ...policy.tiers,
          CRAWL: { ...policy.tiers.CRAWL, promotion: { ...policy.tiers.CRAWL.promotion!, minSamples: 200 } },
        },
      },
      NOW,
    );
    expect(r.unmet).toEqual([
      { code: "samples", message: "needs 200 outcomes in CRAWL, has 143", required: 200, actual: 143 },
    ]);
  });

  it("days_in_tier: 'has been in CRAWL 2.4 days of the 7 required' (with its unit, issue 14)", () => {
    const r = evaluateEligibility({ ...ready, tierSince: daysAgo(2.4) }, policy, NOW);
    expect(r.unmet).toHaveLength(1);
    expect(r.unmet[0]).toMatchObject({
      code: "days_in_tier",
      message: "has been in CRAWL 2.4 days of the 7 required",
      required: 7,
    });
    expect(r.unmet[0]!.actual).toBeCloseTo(2.4, 10);
    // exactly the minimum counts as elapsed
    expect(codes({ ...ready, tierSince: daysAgo(7) })).toEqual([]);
  });

  it("lists every unmet condition at once", () => {
    const all = {
      ...ready,
      frozen: true,
      openRequest: true,
      tierSince: daysAgo(1),
      evidence: { successes: 5, trials: 10 },
    };
    expect(codes(all)).toEqual(["frozen", "open_request", "bar_not_cleared", "samples", "days_in_tier"]);
  });

  it("the e-process reads the cumulative evidence, wilson its one look, raw the window", () => {
    // good cumulative evidence, poor window
    const s = { ...ready, window: { successes: 80, trials: 100 } };
    expect(codes(s)).toEqual([]);
    // wilson: no look taken yet → not cleared; a passed look clears whatever the window says
    expect(codes(s, { ...policy, gate: "wilson" })).toEqual(["bar_not_cleared"]);
    const look = { policyVersion: 1, restarts: 0, successes: 100, trials: 100, cleared: true, statistic: 0.96 };
    expect(codes({ ...s, look }, { ...policy, gate: "wilson" })).toEqual([]);
    expect(
      evaluateEligibility({ ...s, look: { ...look, cleared: false } }, { ...policy, gate: "wilson" }, NOW).unmet[0]!
        .message,
    ).toMatch(/a loosening policy version is needed to look again/);
    expect(codes(s, { ...policy, gate: "raw" })).toEqual(["bar_not_cleared"]);
    // and the window's sample count is what wilson/raw need
    const thin = { ...ready, window: { successes: 50, trials: 50 } };
    expect(evaluateEligibility(thin, { ...policy, gate: "raw" }, NOW).unmet).toEqual([
      expect.objectContaining({ code: "samples", message: "needs 100 outcomes in the last 21 days, has 50" }),
    ]);
  });

  it("uses the bar of the tier it is in", () => {
    // WALK bar: 0.9, 200 samples, 14 days
    const walk = { ...ready, tier: "WALK" as const, tierSince: daysAgo(20), evidence: { successes: 190, trials: 199 } };
    expect(codes(walk)).toContain("samples");
    expect(evaluateEligibility(walk, policy, NOW).unmet.find((u) => u.code === "samples")?.required).toBe(200);
  });

  it("treats a clock behind tierSince as zero days", () => {
    const r = evaluateEligibility({ ...ready, tierSince: new Date(NOW + DAY_MS) }, policy, NOW);
    expect(r.unmet[0]).toMatchObject({ code: "days_in_tier", actual: 0 });
  });
});
