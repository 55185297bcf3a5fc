import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { cusumParams, evaluateDemotion } from "./demotion";
import { cusumScan } from "./statistics";
import type { PolicyRules } from "./types";

// medium: WALK demotion 0.75 (q0 0.25, q1 0.5), RUN demotion 0.80 (q0 0.2, q1 0.4),
// minSamples 25, demotionAlpha 0.01 → threshold ln 100, incidentSeverity "high".
const policy = defaultPolicy("medium");
const LN100 = Math.log(100);
const window = { successes: 20, trials: 40 };

describe("cusumParams", () => {
  it("q0 = 1 − demotion threshold, q1 = min(2·q0, 0.5) by default, threshold ln(1/demotionAlpha)", () => {
    const walk = cusumParams(policy, "WALK");
    expect(walk.q0).toBeCloseTo(0.25, 15);
    expect(walk.q1).toBe(0.5);
    expect(walk.threshold).toBeCloseTo(LN100, 15);
    const run = cusumParams(policy, "RUN");
    expect(run.q0).toBeCloseTo(0.2, 15);
    expect(run.q1).toBeCloseTo(0.4, 15);
  });
  it("honours an explicit failure rate", () => {
    const p: PolicyRules = structuredClone(policy);
    p.tiers.RUN.demotion!.failureRate = 0.3;
    expect(cusumParams(p, "RUN").q1).toBe(0.3);
  });
  it("CRAWL gets steppable parameters that never fire", () => {
    const crawl = cusumParams(policy, "CRAWL");
    expect(crawl.threshold).toBe(Infinity);
    expect(crawl.q1).toBeGreaterThan(crawl.q0);
  });
});

describe("evaluateDemotion", () => {
  it("CRAWL never demotes, not even on a critical incident", () => {
    expect(evaluateDemotion({ tier: "CRAWL", cusum: 100, window, incidentSeverity: "critical" }, policy)).toEqual({ action: "stay" });
  });

  it("stays below the CUSUM threshold", () => {
    expect(evaluateDemotion({ tier: "WALK", cusum: LN100 - 0.01, window }, policy)).toEqual({ action: "stay" });
  });

  it("stays without the demotion minimum sample in the window, even above the threshold", () => {
    expect(evaluateDemotion({ tier: "WALK", cusum: 10, window: { successes: 0, trials: 24 } }, policy)).toEqual({ action: "stay" });
  });

  it("demotes one tier when the CUSUM reaches ln(1/α) with enough samples", () => {
    const v = evaluateDemotion({ tier: "RUN", cusum: LN100, window: { successes: 18, trials: 25 } }, policy);
    expect(v).toMatchObject({
      action: "demote",
      to: "WALK",
      breached: { metric: "cusum", statistic: LN100, samples: 25, minSamples: 25, windowRate: 0.72 },
    });
    if (v.action !== "demote" || v.breached.metric !== "cusum") throw new Error("expected a CUSUM demotion");
    expect(v.breached.threshold).toBeCloseTo(LN100, 15);
    expect(v.reason).toBe("failure CUSUM 4.61 ≥ 4.61 over 25 outcomes (acceptable failure rate 20%, alarm tuned to 40%): RUN → WALK");
    expect(evaluateDemotion({ tier: "WALK", cusum: 5, window }, policy)).toMatchObject({ action: "demote", to: "CRAWL" });
  });

  it("fires on a real run of failures", () => {
    const { q0, q1 } = cusumParams(policy, "WALK");
    // ln(0.5/0.25) = ln 2 per failure: 7 failures reach 4.85 ≥ 4.61
    const w = cusumScan([...Array(30).fill(false), ...Array(7).fill(true)], q0, q1);
    expect(evaluateDemotion({ tier: "WALK", cusum: w, window: { successes: 30, trials: 37 } }, policy)).toMatchObject({ action: "demote", to: "CRAWL" });
  });

  it("an incident at or above the policy's severity sends the tier straight to CRAWL", () => {
    for (const severity of ["high", "critical"] as const) {
      const v = evaluateDemotion({ tier: "RUN", cusum: 0, window, incidentSeverity: severity }, policy);
      expect(v).toMatchObject({ action: "demote", to: "CRAWL", breached: { metric: "incident", statistic: severity, threshold: "high", samples: 40 } });
    }
    expect(evaluateDemotion({ tier: "RUN", cusum: 0, window, incidentSeverity: "high" }, policy)).toHaveProperty("reason", "high incident (policy demotes at high or worse): RUN → CRAWL");
  });

  it("a lesser incident does nothing by itself", () => {
    expect(evaluateDemotion({ tier: "RUN", cusum: 0, window, incidentSeverity: "medium" }, policy)).toEqual({ action: "stay" });
    expect(evaluateDemotion({ tier: "RUN", cusum: 0, window, incidentSeverity: null }, policy)).toEqual({ action: "stay" });
  });

  it("an incident wins over the CUSUM: it demotes further", () => {
    expect(evaluateDemotion({ tier: "RUN", cusum: 50, window, incidentSeverity: "critical" }, policy)).toMatchObject({ to: "CRAWL", breached: { metric: "incident" } });
  });

  it("critical blast radius: any incident demotes", () => {
    expect(evaluateDemotion({ tier: "WALK", cusum: 0, window, incidentSeverity: "low" }, defaultPolicy("critical"))).toMatchObject({ action: "demote", to: "CRAWL" });
  });
});
