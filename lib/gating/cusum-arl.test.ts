import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cusumAlarmWithin, designCusum, gridAlarmWithin } from "./cusum-arl";
import { confidenceSequence } from "./confidence-sequence";
import { wilsonInterval } from "./statistics";

describe("designCusum", () => {
  it("meets the false-alarm target, is memoised, and its alarm level grows with the target", () => {
    const d = designCusum(0.25, 0.5, 0.15, 1e6);
    expect(d.targetMet).toBe(true);
    expect(d.falseAlarmArl).toBeGreaterThanOrEqual(1e6);
    expect(designCusum(0.25, 0.5, 0.15, 1e6)).toBe(d);
    expect(designCusum(0.25, 0.5, 0.15, 1e4).h).toBeLessThan(d.h);
    expect(d.detectionDelay).toBeGreaterThan(0);
    expect(d.detectionDelay).toBeLessThan(100);
  });

  it("the grid chain alarms no later than the real CUSUM: its P(alarm within n) bounds the exact one from above", () => {
    for (const [q0, q1, h, p] of [
      [0.25, 0.5, 4, 0.3],
      [0.1, 0.2, 3, 0.15],
      [0.05, 0.1, 3.7, 0.08],
    ] as const) {
      const grid = gridAlarmWithin(q0, q1, h, p, 300);
      const exact = cusumAlarmWithin(q0, q1, h, p, 300);
      for (const n of [50, 150, 300]) {
        expect(grid[n]!).toBeGreaterThanOrEqual(exact[n]! - 1e-12);
        expect(grid[n]! - exact[n]!).toBeLessThan(0.05);
      }
    }
  });

  it("never throws for policy values inside the SPEC bounds", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.9, noNaN: true }),
        fc.double({ min: 0.02, max: 0.5, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.constantFrom(100, 1e4, 1e6, 1e9),
        (q0, gap, share, arl) => {
          const q1 = Math.min(0.999, q0 + gap);
          const d = designCusum(q0, q1, q0 * share, arl);
          expect(Number.isFinite(d.h)).toBe(true);
          expect(d.h).toBeGreaterThan(0);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("confidenceSequence", () => {
  it("contains the observed rate, is [0, 1] with no outcomes, and is wider than the fixed-sample Wilson interval", () => {
    expect(confidenceSequence(0, 0)).toEqual({ lower: 0, upper: 1 });
    const cs = confidenceSequence(90, 100);
    expect(cs.lower).toBeLessThan(0.9);
    expect(cs.upper).toBeGreaterThan(0.9);
    // The sequence pays for being watched: wider than the fixed-sample interval.
    expect(cs.lower).toBeLessThan(wilsonInterval(90, 100).lower);
    expect(cs.upper).toBeGreaterThan(wilsonInterval(90, 100).upper);
    expect(confidenceSequence(100, 100).upper).toBe(1);
    expect(confidenceSequence(0, 100).lower).toBe(0);
  });
});
