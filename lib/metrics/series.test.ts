import { describe, expect, it } from "vitest";
import { buildSeries, lastDays } from "./series";
import { logEProcess } from "@/lib/gating";

const days = lastDays(new Date("2026-03-10T12:00:00Z"), 5);

describe("buildSeries", () => {
  it("rolls rates over the window within one tier and leaves empty days empty", () => {
    const s = buildSeries({
      days,
      rollingDays: 2,
      currentTier: "WALK",
      tierSinceDay: days[3]!,
      promotionThreshold: 0.9,
      points: [
        { day: days[1]!, tier: "CRAWL", successes: 8, failures: 2, incidents: 0 },
        { day: days[2]!, tier: "CRAWL", successes: 10, failures: 0, incidents: 0 },
        { day: days[3]!, tier: "WALK", successes: 5, failures: 5, incidents: 0 },
      ],
    });
    expect(s[0]!.rate).toBeNull();
    expect(s[1]!.rate).toBeCloseTo(0.8);
    expect(s[2]!.rate).toBeCloseTo(18 / 20);
    // The WALK day does not mix in the CRAWL day before it.
    expect(s[3]!.rate).toBeCloseTo(0.5);
    expect(s[3]!.lower!).toBeLessThan(0.5);
    expect(s[3]!.upper!).toBeGreaterThan(0.5);
  });

  it("accumulates the gate's evidence only from the current tier's entry", () => {
    const s = buildSeries({
      days,
      rollingDays: 7,
      currentTier: "WALK",
      tierSinceDay: days[3]!,
      promotionThreshold: 0.8,
      points: [
        { day: days[2]!, tier: "CRAWL", successes: 50, failures: 0, incidents: 0 },
        { day: days[3]!, tier: "WALK", successes: 20, failures: 0, incidents: 0 },
        { day: days[4]!, tier: "WALK", successes: 20, failures: 1, incidents: 0 },
      ],
    });
    expect(s[2]!.log10E).toBeNull();
    expect(s[3]!.log10E).toBeCloseTo(logEProcess(20, 20, 0.8) / Math.LN10);
    expect(s[4]!.log10E).toBeCloseTo(logEProcess(40, 41, 0.8) / Math.LN10);
  });
});
