import { describe, expect, it } from "vitest";
import { compareTiers, decide, isTier, modeOf, outcomeOf, severityAtLeast, tierAbove, tierBelow } from "./outcomes";
import { EVENT_KINDS, TIERS } from "./types";

describe("modeOf", () => {
  it("maps CRAWL → suggest, WALK → act_internal, RUN → act_external", () => {
    expect(TIERS.map(modeOf)).toEqual(["suggest", "act_internal", "act_external"]);
  });
});

describe("isTier", () => {
  it("accepts exactly the three tier names, case and all", () => {
    expect(TIERS.every(isTier)).toBe(true);
    for (const v of ["crawl", "Run", "", " WALK", "WALK ", "SPRINT", null, undefined, 0, {}, ["RUN"]])
      expect(isTier(v)).toBe(false);
  });
});

describe("outcomeOf", () => {
  it("CRAWL counts suggestions: accepted succeeds, edited and rejected fail", () => {
    expect(outcomeOf("suggestion.accepted", "CRAWL")).toBe("success");
    expect(outcomeOf("suggestion.edited", "CRAWL")).toBe("failure");
    expect(outcomeOf("suggestion.rejected", "CRAWL")).toBe("failure");
  });
  it("WALK counts actions: completed succeeds, reverted and escalated fail", () => {
    expect(outcomeOf("action.completed", "WALK")).toBe("success");
    expect(outcomeOf("action.reverted", "WALK")).toBe("failure");
    expect(outcomeOf("action.escalated", "WALK")).toBe("failure");
  });
  it("RUN counts customer outcomes", () => {
    expect(outcomeOf("outcome.positive", "RUN")).toBe("success");
    expect(outcomeOf("outcome.negative", "RUN")).toBe("failure");
  });
  it("ignores events of another tier's family, and incidents everywhere", () => {
    const counted: Record<string, string> = { CRAWL: "suggestion", WALK: "action", RUN: "outcome" };
    for (const tier of TIERS) {
      for (const kind of EVENT_KINDS) {
        const own = kind.startsWith(`${counted[tier]}.`);
        expect(outcomeOf(kind, tier) === "ignored", `${kind} at ${tier}`).toBe(!own);
      }
    }
    expect(outcomeOf("action.completed", "RUN")).toBe("ignored");
    expect(outcomeOf("incident", "WALK")).toBe("ignored");
  });
});

describe("tier order and severity", () => {
  it("steps up and down one tier, with nothing beyond the ends", () => {
    expect([tierAbove("CRAWL"), tierAbove("WALK"), tierAbove("RUN")]).toEqual(["WALK", "RUN", null]);
    expect([tierBelow("CRAWL"), tierBelow("WALK"), tierBelow("RUN")]).toEqual([null, "CRAWL", "WALK"]);
    expect(compareTiers("CRAWL", "RUN")).toBeLessThan(0);
    expect(compareTiers("WALK", "WALK")).toBe(0);
  });
  it("orders severities low < medium < high < critical", () => {
    expect(severityAtLeast("critical", "low")).toBe(true);
    expect(severityAtLeast("medium", "medium")).toBe(true);
    expect(severityAtLeast("medium", "high")).toBe(false);
  });
});

describe("decide", () => {
  it("an unknown action type is never allowed and answers as CRAWL", () => {
    for (const audience of ["internal", "external"] as const) {
      expect(decide(null, false, audience)).toMatchObject({ allowed: false, mode: "suggest", tier: "CRAWL" });
    }
    expect(decide(null, false, "internal").reason).toMatch(/unknown action type/);
  });
  it("CRAWL never acts", () => {
    expect(decide("CRAWL", false, "internal")).toMatchObject({ allowed: false, mode: "suggest", tier: "CRAWL" });
    expect(decide("CRAWL", false, "external").allowed).toBe(false);
  });
  it("WALK acts on internal targets only", () => {
    expect(decide("WALK", false, "internal")).toMatchObject({ allowed: true, mode: "act_internal", tier: "WALK" });
    expect(decide("WALK", false, "external")).toMatchObject({ allowed: false, mode: "act_internal", tier: "WALK" });
  });
  it("RUN acts on both", () => {
    expect(decide("RUN", false, "internal")).toMatchObject({ allowed: true, mode: "act_external" });
    expect(decide("RUN", false, "external")).toMatchObject({ allowed: true, mode: "act_external" });
  });
  it("frozen neither grants nor revokes; the reason says so", () => {
    for (const tier of TIERS) {
      for (const audience of ["internal", "external"] as const) {
        const frozen = decide(tier, true, audience);
        expect(frozen.allowed).toBe(decide(tier, false, audience).allowed);
        expect(frozen.reason).toMatch(/frozen/);
        expect(decide(tier, false, audience).reason).not.toMatch(/frozen/);
      }
    }
  });
});
