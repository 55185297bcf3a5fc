import { describe, expect, it } from "vitest";
import * as gating from "./index";

describe("lib/gating index", () => {
  it("exports the contract other modules import", () => {
    const names = [
      "logGamma",
      "logBeta",
      "regularizedIncompleteBeta",
      "logRegularizedIncompleteBeta",
      "logUpperIncompleteBetaRatio",
      "logUpperIncompleteBeta",
      "logUpperIncompleteBetaOverPowers",
      "normalQuantile",
      "wilsonInterval",
      "wilsonLowerBound",
      "rawRate",
      "logEProcess",
      "eProcess",
      "cusumStep",
      "cusumScan",
      "cusumThreshold",
      "defaultFailureRate",
      "gateDecision",
      "modeOf",
      "outcomeOf",
      "tierAbove",
      "tierBelow",
      "severityAtLeast",
      "decide",
      "defaultPolicy",
      "validatePolicyRules",
      "evaluateEligibility",
      "evaluateDemotion",
      "cusumParams",
      "checkReview",
      "canSeeReviews",
      "visibleReviews",
      "tally",
      "reviewersRequired",
      "classifyPolicyChange",
      "transition",
      "openRequest",
      "canonicalJson",
      "TIERS",
      "ROLES",
      "REQUEST_STATUSES",
    ];
    for (const name of names) expect(typeof (gating as Record<string, unknown>)[name], name).not.toBe("undefined");
  });
});
