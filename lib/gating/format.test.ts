import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatBar, formatComparison, formatDays, formatEValue } from "./format";

/** Reads back "261,930" and "2.4 × 10¹⁰". */
function shownNumber(text: string): number {
  const sup = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  const m = /^([\d.]+) × 10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.exec(text);
  if (m)
    return (
      Number(m[1]) *
      10 **
        Number(
          m[2]!
            .split("")
            .map((c) => sup.indexOf(c))
            .join(""),
        )
    );
  return Number(text.replace(/,/g, ""));
}

describe("formatComparison", () => {
  it("prints e-values and bars as people expect", () => {
    expect(formatComparison(34.27, 20, true, "number")).toBe("34.2 ≥ 20");
    expect(formatComparison(0.0370655, 20, false, "number")).toBe("0.037 < 20");
    expect(formatComparison(7.6e29, 20, true, "number")).toBe("7.6 × 10²⁹ ≥ 20");
    // One format everywhere (issue 14): thousands separators, never "261930.1" or "2.4e+10".
    expect(formatComparison(261930.1, 20, true, "number")).toBe("261,930 ≥ 20");
    expect(formatComparison(2.4e10, 20, true, "number")).toBe("2.4 × 10¹⁰ ≥ 20");
    expect(formatComparison(3, 102400, false, "number")).toBe("3.0 < 102,400");
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
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.double({ min: 1, max: 1e12, noNaN: true }),
        (s, r) => {
          fc.pre(Math.abs(s - r) > 1e-12 * r);
          const text = formatComparison(s, r, s >= r, "number");
          const [a, op, b] = text.split(/ ([≥<]) /);
          if (op === "≥") expect(shownNumber(a!)).toBeGreaterThanOrEqual(shownNumber(b!));
          else expect(shownNumber(a!)).toBeLessThan(shownNumber(b!));
        },
      ),
    );
  });

  it("is not fooled by binary noise", () => {
    expect(formatComparison(0.29, 0.5, false, "percent")).toBe("29.0% < 50%"); // 0.29·100 = 28.999999999999996
  });
});

describe("formatEValue", () => {
  it("prints e-values one way", () => {
    expect(formatEValue(0.1534)).toBe("0.15");
    expect(formatEValue(34.27)).toBe("34.2");
    expect(formatEValue(261930.1)).toBe("261,930");
    expect(formatEValue(2.4e10)).toBe("2.4 × 10¹⁰");
    expect(formatEValue(9.99e9)).toBe("9.9 × 10⁹");
    expect(formatEValue(Number.MAX_VALUE)).toBe("∞");
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
