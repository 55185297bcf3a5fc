import { describe, expect, it } from "vitest";
import { buildSeries, lastDays } from "./series";
import { confidenceSequence, logEProcess } from "@cwr/gating";

const days = lastDays(new Date("2026-03-10T12:00:00Z"), 5);
const noEvidence = { days: {}, evidenceSince: Date.parse("2026-03-11T00:00:00Z") };

describe("buildSeries", () => {
  it("rolls rates over the window within one tier and leaves empty days empty", () => {
    const s = buildSeries({
      days,
      rollingDays: 2,
      evidence: noEvidence,
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
  });

  it("an empty day keeps the tier of the last day with outcomes: CRAWL 100/0, WALK 0/10, empty → 0%, not 90.9%", () => {
    const s = buildSeries({
      days,
      rollingDays: 7,
      evidence: noEvidence,
      promotionThreshold: 0.9,
      points: [
        { day: days[2]!, tier: "CRAWL", successes: 100, failures: 0, incidents: 0 },
        { day: days[3]!, tier: "WALK", successes: 0, failures: 10, incidents: 0 },
      ],
    });
    expect(s[4]!.rate).toBe(0);
  });

  it("the e-value line and the band are the gate's own evidence, day by day; an empty day carries the value", () => {
    const evidence = {
      evidenceSince: Date.parse(`${days[1]}T08:00:00Z`),
      days: { [days[1]!]: [20, 20], [days[3]!]: [20, 21] } as Record<string, [number, number]>,
    };
    const s = buildSeries({
      days,
      rollingDays: 7,
      evidence,
      promotionThreshold: 0.8,
      points: [{ day: days[0]!, tier: "CRAWL", successes: 50, failures: 0, incidents: 0 }],
    });
    expect(s[0]!.log10E).toBeNull();
    expect(s[0]!.lower).toBeNull();
    expect(s[1]!.log10E).toBeCloseTo(logEProcess(20, 20, 0.8) / Math.LN10, 12);
    expect(s[2]!.log10E).toBe(s[1]!.log10E);
    expect(s[3]!.log10E).toBeCloseTo(logEProcess(40, 41, 0.8) / Math.LN10, 12);
    expect(s[4]!.log10E).toBe(s[3]!.log10E);
    expect(s[4]!.lower).toBeCloseTo(confidenceSequence(40, 41).lower, 12);
  });
});
