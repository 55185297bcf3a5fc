import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatBar, formatComparison, formatDays } from "./format";

describe("formatComparison", () => {
  it("prints e-values and bars as people expect", () => {
    expect(formatComparison(34.27, 20, true, "number")).toBe("34.2 ≥ 20");
    expect(formatComparison(0.0370655, 20, false, "number")).toBe("0.037 < 20");
    expect(formatComparison(7.6e29, 20, true, "number")).toBe("7.6e+29 ≥ 20");
    expect(formatComparison(Number.MAX_VALUE, 20, true, "number")).toBe("∞ ≥ 20");
    expect(formatComparison(0.9008, 0.9, true, "percent")).toBe("90.0% ≥ 90%");
  });

  it("never prints a statistic that misses its bar as if it met it, or the reverse", () => {
    expect(formatComparison(19.96, 20, false, "number")).toBe("19.9 < 20");
    expect(formatComparison(33.34, 1 / 0.03, true, "number")).toBe("33.3 ≥ 33.3");
    expect(formatComparison(33.3, 1 / 0.03, false, "number")).toBe("33.3 < 33.4");
    expect(formatComparison(0.89996, 0.9, false, "percent")).toBe("89.9% < 90%");
    // The printed numbers agree with the comparison for any pair not within 1e-12
    // of each other (closer than that is binary noise, absorbed on purpose).
    fc.assert(fc.property(fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 1, max: 1e5, noNaN: true }), (s, r) => {
      fc.pre(Math.abs(s - r) > 1e-12 * r);
      const text = formatComparison(s, r, s >= r, "number");
      const [a, op, b] = text.split(" ");
      if (op === "≥") expect(Number(a)).toBeGreaterThanOrEqual(Number(b));
      else expect(Number(a)).toBeLessThan(Number(b));
    }));
  });

  it("is not fooled by binary noise", () => {
    expect(formatComparison(0.29, 0.5, false, "percent")).toBe("29.0% < 50%"); // 0.29·100 = 28.999999999999996
  });
});

describe("formatBar and formatDays", () => {
  it("prints bars exactly, days rounded down", () => {
    expect(formatBar(0.9)).toBe("90%");
    expect(formatBar(0.925)).toBe("92.5%");
    expect(formatBar(1 - 0.9)).toBe("10%");
    expect(formatDays(6.98)).toBe("6.9");
    expect(formatDays(2.4)).toBe("2.4");
    expect(formatDays(-1)).toBe("0.0");
  });
});
