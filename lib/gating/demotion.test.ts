import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { designCusum } from "./cusum-arl";
import { cusumParams, evaluateDemotion } from "./demotion";
import { cusumScan } from "./statistics";
import type { PolicyRules } from "./types";

// medium: WALK demotion 0.75 (q0 0.25, q1 0.5), RUN demotion 0.80 (q0 0.2, q1 0.4), minSamples 25,
// incidentSeverity "high". The alarm level h comes from a false-alarm run length of 10^6 outcomes at
// the rate cleared to enter the tier (issue 11; it was ln(1/demotionAlpha) = ln 100 before).
const policy = defaultPolicy("medium");
const H_WALK = designCusum(0.25, 0.5, 0.15, 1e6).h;
const H_RUN = designCusum(1 - 0.8, 2 * (1 - 0.8), 1 - 0.9, 1e6).h;
const window = { successes: 20, trials: 40 };

describe("cusumParams", () => {
  it("q0 = 1 − demotion threshold, q1 = min(2·q0, 0.5) by default, h from a run length of 10^6 at the entry rate", () => {
    const walk = cusumParams(policy, "WALK");
    expect(walk.q0).toBeCloseTo(0.25, 15);
    expect(walk.q1).toBe(0.5);
    expect(walk.comfortable).toBeCloseTo(0.15, 12);
    expect(walk.threshold).toBe(H_WALK);
    expect(walk.falseAlarmArl).toBeGreaterThanOrEqual(1e6);
    expect(walk.detectionDelay).toBeGreaterThan(0);
    expect(cusumParams({ ...policy, demotionArl: 1e4 }, "WALK").threshold).toBeLessThan(H_WALK);
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
    expect(evaluateDemotion({ tier: "CRAWL", cusum: 100, window, incidentSeverity: "critical" }, policy)).toEqual({
      action: "stay",
    });
  });

  it("stays below the CUSUM threshold", () => {
    expect(evaluateDemotion({ tier: "WALK", cusum: H_WALK - 0.01, window }, policy)).toEqual({ action: "stay" });
  });

  it("stays without the demotion minimum sample in the window, even above the threshold", () => {
    expect(evaluateDemotion({ tier: "WALK", cusum: 10, window: { successes: 0, trials: 24 } }, policy)).toEqual({
      action: "stay",
    });
  });

  it("demotes one tier when the CUSUM reaches h with enough samples", () => {
    const v = evaluateDemotion({ tier: "RUN", cusum: H_RUN, window: { successes: 18, trials: 25 } }, policy);
    expect(v).toMatchObject({
      action: "demote",
      to: "WALK",
      breached: { metric: "cusum", statistic: H_RUN, samples: 25, minSamples: 25, windowRate: 0.72 },
    });
    if (v.action !== "demote" || v.breached.metric !== "cusum") throw new Error("expected a CUSUM demotion");
    expect(v.breached.threshold).toBe(H_RUN);
    expect(v.reason).toBe(
      `failure CUSUM ${H_RUN.toFixed(2)} ≥ ${H_RUN.toFixed(2)} over 25 outcomes (acceptable failure rate 20%, alarm tuned to 40%): RUN → WALK`,
    );
    expect(evaluateDemotion({ tier: "WALK", cusum: H_WALK, window }, policy)).toMatchObject({
      action: "demote",
      to: "CRAWL",
    });
  });

  it("fires on a real run of failures", () => {
    const { q0, q1 } = cusumParams(policy, "WALK");
    // ln(0.5/0.25) = ln 2 per failure: 9 failures reach 6.24 ≥ h ≈ 5.9
    const w = cusumScan([...Array(30).fill(false), ...Array(9).fill(true)], q0, q1);
    expect(evaluateDemotion({ tier: "WALK", cusum: w, window: { successes: 30, trials: 37 } }, policy)).toMatchObject({
      action: "demote",
      to: "CRAWL",
    });
  });

  it("an incident at or above the policy's severity sends the tier straight to CRAWL", () => {
    for (const severity of ["high", "critical"] as const) {
      const v = evaluateDemotion({ tier: "RUN", cusum: 0, window, incidentSeverity: severity }, policy);
      expect(v).toMatchObject({
        action: "demote",
        to: "CRAWL",
        breached: { metric: "incident", statistic: severity, threshold: "high", samples: 40 },
      });
    }
    expect(evaluateDemotion({ tier: "RUN", cusum: 0, window, incidentSeverity: "high" }, policy)).toHaveProperty(
      "reason",
      "high incident (policy demotes at high or worse): RUN → CRAWL",
    );
  });

  it("a lesser incident does nothing by itself", () => {
    expect(evaluateDemotion({ tier: "RUN", cusum: 0, window, incidentSeverity: "medium" }, policy)).toEqual({
      action: "stay",
    });
    expect(evaluateDemotion({ tier: "RUN", cusum: 0, window, incidentSeverity: null }, policy)).toEqual({
      action: "stay",
    });
  });

  it("an incident wins over the CUSUM: it demotes further", () => {
    expect(evaluateDemotion({ tier: "RUN", cusum: 50, window, incidentSeverity: "critical" }, policy)).toMatchObject({
      to: "CRAWL",
      breached: { metric: "incident" },
    });
  });

  it("critical blast radius: any incident demotes", () => {
    expect(
      evaluateDemotion({ tier: "WALK", cusum: 0, window, incidentSeverity: "low" }, defaultPolicy("critical")),
    ).toMatchObject({ action: "demote", to: "CRAWL" });
  });
});
