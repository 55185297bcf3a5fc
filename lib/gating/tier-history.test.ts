// The bars a chart draws each day are those of the tier held that day, under the policy then in force.
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { barsByDay } from "./tier-history";

const at = (iso: string) => Date.parse(iso);

describe("barsByDay", () => {
  const rules = defaultPolicy("high");
  const days = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"];
  const changes = [
    { at: at("2026-11-04T12:00:00Z"), from: "RUN" as const, to: "WALK" as const }, // automatic demotion
    { at: at("2026-11-02T09:00:00Z"), from: "WALK" as const, to: "RUN" as const }, // promotion
  ];

  it("follows the tier changes: the tier held at each day's end, with that tier's bars", () => {
    const bars = barsByDay(days, "WALK", changes, [{ at: at("2026-10-01T00:00:00Z"), rules }]);
    expect(bars.map((b) => b.tier)).toEqual(["WALK", "RUN", "RUN", "WALK", "WALK"]);
    expect(bars[2]).toEqual({ tier: "RUN", promotion: null, demotion: rules.tiers.RUN.demotion!.threshold });
    expect(bars[4]).toEqual({
      tier: "WALK",
      promotion: rules.tiers.WALK.promotion!.threshold,
      demotion: rules.tiers.WALK.demotion!.threshold,
    });
  });

  it("uses the policy version in force that day, and today's tier when nothing changed", () => {
    const tighter = structuredClone(rules);
    tighter.tiers.CRAWL.promotion!.threshold = 0.97;
    const bars = barsByDay(
      days,
      "CRAWL",
      [],
      [
        { at: at("2026-11-03T10:00:00Z"), rules: tighter },
        { at: at("2026-10-01T00:00:00Z"), rules },
      ],
    );
    expect(bars.map((b) => b.promotion)).toEqual([
      rules.tiers.CRAWL.promotion!.threshold,
      rules.tiers.CRAWL.promotion!.threshold,
      0.97,
      0.97,
      0.97,
    ]);
    expect(bars.every((b) => b.tier === "CRAWL" && b.demotion === null)).toBe(true);
    expect(() => barsByDay(days, "CRAWL", [], [])).toThrow(RangeError);
  });
});
