import fc from "fast-check";
import { binomialUpperTail } from "./gates";
import { describe, expect, it } from "vitest";
import { normalQuantile } from "./normal";
import {
  cusumScan,
  cusumStep,
  cusumThreshold,
  defaultFailureRate,
  eProcess,
  gateDecision,
  logEProcess,
  rawRate,
  wilsonInterval,
  wilsonLowerBound,
} from "./statistics";

/** Arbitrary counts with 0 ≤ S ≤ n ≤ max. */
const counts = (max: number) =>
  fc.integer({ min: 0, max }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
const bars = fc.double({ min: 0.5, max: 0.995, noNaN: true });

describe("normalQuantile (Acklam)", () => {
  // References: mpmath, sqrt(2)·erfinv(2p − 1) at 40 digits.
  const refs: Array<[number, number]> = [
    [0.975, 1.9599639845400538556],
    [0.95, 1.6448536269514722843],
    [0.99, 2.3263478740408407676],
    [0.5, 0],
    [0.999, 3.0902323061678132778],
    [0.9999999, 5.1993375822906610937],
    [0.01, -2.3263478740408410931],
    [1e-10, -6.3613409024040561991],
  ];
  it.each(refs)("Φ⁻¹(%d)", (p, z) =>
    expect(Math.abs(normalQuantile(p) - z)).toBeLessThan(1e-8 * Math.max(1, Math.abs(z))),
  );
  it("refuses p outside (0, 1)", () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe("rawRate", () => {
  it("is S/n, and 0 with no trials", () => {
    expect(rawRate(9, 10)).toBe(0.9);
    expect(rawRate(0, 0)).toBe(0);
  });
  it("refuses impossible counts", () => {
    expect(() => rawRate(11, 10)).toThrow(RangeError);
    expect(() => rawRate(-1, 10)).toThrow(RangeError);
    expect(() => rawRate(1.5, 10)).toThrow(RangeError);
  });
});

describe("wilsonInterval", () => {
  // [S, n, lower, upper, center] at z = 1.959964. Source: mpmath (40 digits) of the
  // textbook formula (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n). The first four
  // rows also match Newcombe (1998), Stat. Med. 17:857, Table I, method 3, to 4 dp
  // (81/263: 0.2553–0.3662; 15/148: 0.0624–0.1605; 0/20: 0–0.1611; 1/29: 0.0061–0.1718).
  const refs: Array<[number, number, number, number, number]> = [
    [81, 263, 0.25528851948901575, 0.36620957745801942, 0.31074904847351758],
    [15, 148, 0.062386399292758302, 0.16048724227144711, 0.11143682078210271],
    [0, 20, 0, 0.16112516018512965, 0.080562580092564826],
    [1, 29, 0.006113214225076533, 0.17175522037795662, 0.088934217301516578],
    [5, 10, 0.23659308901147937, 0.76340691098852063, 0.5],
    [10, 10, 0.72246719697394228, 1, 0.86123359848697114],
    [81, 100, 0.72221154544230766, 0.87485248532091465, 0.79853201538161116],
    [1, 1, 0.20654931179180274, 1, 0.60327465589590137],
    [900, 1000, 0.87984803663328728, 0.91709055653015747, 0.89846929658172237],
  ];
  it.each(refs)("%d/%d", (s, n, lower, upper, center) => {
    const w = wilsonInterval(s, n);
    expect(w.lower).toBeCloseTo(lower, 13);
    expect(w.upper).toBeCloseTo(upper, 13);
    expect(w.center).toBeCloseTo(center, 13);
  });

  it("is [0, 1] with no trials, and exact at the ends", () => {
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1, center: 0.5 });
    expect(wilsonInterval(0, 7).lower).toBe(0);
    expect(wilsonInterval(7, 7).upper).toBe(1);
  });

  it("contains the observed rate and stays inside [0, 1]", () => {
    fc.assert(
      fc.property(counts(1e6), ([s, n]) => {
        fc.pre(n > 0);
        const w = wilsonInterval(s, n);
        expect(w.lower).toBeGreaterThanOrEqual(0);
        expect(w.upper).toBeLessThanOrEqual(1);
        expect(w.lower).toBeLessThanOrEqual(s / n + 1e-15);
        expect(w.upper).toBeGreaterThanOrEqual(s / n - 1e-15);
        expect(w.lower).toBeLessThanOrEqual(w.center);
        expect(w.center).toBeLessThanOrEqual(w.upper);
      }),
    );
  });
});

describe("wilsonLowerBound (one-sided)", () => {
  // z = Φ⁻¹(1 − α); references from mpmath as above with z = sqrt(2)·erfinv(1 − 2α).
  const refs: Array<[number, number, number, number]> = [
    [95, 100, 0.05, 0.90083891472094722],
    [180, 200, 0.05, 0.8595933737545113],
    [1900, 2000, 0.05, 0.94135843193833803],
    [50, 50, 0.05, 0.94866681421372985],
    [0, 5, 0.05, 0],
    [95, 100, 0.01, 0.87237680378750201],
  ];
  it.each(refs)("%d/%d at α = %d", (s, n, alpha, lower) => expect(wilsonLowerBound(s, n, alpha)).toBeCloseTo(lower, 8));

  it("is 0 with no trials", () => expect(wilsonLowerBound(0, 0, 0.05)).toBe(0));

  it("never drops with one more success, never rises with one more failure", () => {
    fc.assert(
      fc.property(counts(1e5), fc.double({ min: 0.001, max: 0.3, noNaN: true }), ([s, n], alpha) => {
        const now = wilsonLowerBound(s, n, alpha);
        expect(wilsonLowerBound(s + 1, n + 1, alpha)).toBeGreaterThanOrEqual(now - 1e-15);
        expect(wilsonLowerBound(s, n + 1, alpha)).toBeLessThanOrEqual(now + 1e-15);
      }),
    );
  });

  it("is finite at n = 10^7", () => {
    for (const s of [0, 9_000_000, 1e7]) expect(Number.isFinite(wilsonLowerBound(s, 1e7, 0.05))).toBe(true);
    expect(wilsonLowerBound(1e7, 1e7, 0.05)).toBeGreaterThan(0.9999997);
  });
});

describe("e-process", () => {
  // ln E_n references from mpmath at 40 digits:
  //   ln(betainc(S+1, n−S+1, bar, 1)) − ln(1−bar) − S·ln(bar) − (n−S)·ln(1−bar);
  // the n = 10^7 rows by mp.quad of (q/bar)^S ((1−q)/(1−bar))^(n−S) over [bar, 1] / (1 − bar)
  // (betainc's series does not converge there); quad agrees with betainc on the smaller rows.
  const refs: Array<[number, number, number, number]> = [
    [1, 1, 0.9, 0.054067221270275754816],
    [9, 10, 0.9, -0.34226652897688557496],
    [95, 100, 0.85, 4.0686882133262436441],
    [180, 200, 0.9, -1.4304709071282587657],
    [900, 1000, 0.9, -2.1754600057952779574],
    [990, 1000, 0.9, 68.798594706979022177],
    [50, 100, 0.5, -2.0842441128641545182],
    [399, 400, 0.97, 7.1808471326730183262],
    [9000, 10000, 0.9, -3.2950665033199033704],
    [9100, 10000, 0.9, 3.0938832205785883614],
    [91000, 100000, 0.9, 53.504384150174593433],
    [8_999_000, 1e7, 0.9, -7.4109934254937531854],
    [9_000_000, 1e7, 0.9, -6.7350928573708154131],
    [9_001_000, 1e7, 0.9, -5.6440610815462676488],
    [9_002_000, 1e7, 0.9, -3.8365062955185187263],
  ];
  it.each(refs)("ln E for %d/%d at bar %d", (s, n, bar, logE) => {
    // Relative 1e-11 up to n = 10^5; at n = 10^7 the log-likelihood terms are ~10^6, so 1e-7 absolute.
    expect(Math.abs(logEProcess(s, n, bar) - logE)).toBeLessThan(n >= 1e6 ? 1e-7 : 1e-11 * Math.max(1, Math.abs(logE)));
  });

  it("matches the closed forms E = 1/(n+1) at S = 0 and E = (1 − bar^(n+1)) / ((n+1)(1−bar)·bar^n) at S = n", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e7 }), bars, (n, bar) => {
        // Full precision at S = 0 however large n is: the powers bar^S·(1−bar)^(n−S+1) cancel inside the formula
        // instead of being subtracted as logs of size ~10^7 (CI once met an error of 5.1e-9 at the example).
        expect(Math.abs(logEProcess(0, n, bar) + Math.log(n + 1))).toBeLessThan(1e-13 * Math.max(1, Math.log(n + 1)));
        const allSuccess = Math.log1p(-(bar ** (n + 1))) - Math.log(n + 1) - Math.log1p(-bar) - n * Math.log(bar);
        expect(Math.abs(logEProcess(n, n, bar) - allSuccess)).toBeLessThan(1e-9 * Math.max(1, Math.abs(allSuccess)));
      }),
      { examples: [[6574866, 0.9598689560740278]] },
    );
    // one success in one trial: E = (1 + bar) / (2·bar)
    expect(eProcess(1, 1, 0.9)).toBeCloseTo(1.9 / 1.8, 14);
  });

  it("is 1 before any outcome", () => {
    expect(eProcess(0, 0, 0.9)).toBe(1);
    expect(logEProcess(0, 0, 0.9)).toBe(0);
  });

  it("stays finite (no NaN, no ±∞ in logs) at n = 10^7, S = 0 and S = n", () => {
    for (const bar of [0.5, 0.9, 0.99]) {
      for (const s of [0, 1, Math.round(bar * 1e7), 1e7 - 1, 1e7]) {
        const logE = logEProcess(s, 1e7, bar);
        expect(Number.isFinite(logE)).toBe(true);
        expect(Number.isFinite(eProcess(s, 1e7, bar))).toBe(true);
      }
    }
    // ln E ≈ 1.05e6 here: E itself saturates at the largest double rather than becoming Infinity.
    expect(eProcess(1e7, 1e7, 0.9)).toBe(Number.MAX_VALUE);
  });

  it("never exceeds 1 while the observed rate does not exceed the bar, so it never clears such a bar", () => {
    // Every likelihood ratio (q/bar)^S ((1−q)/(1−bar))^(n−S) with q > bar is ≤ 1 when S/n ≤ bar.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        bars,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        (n, bar, f, alpha) => {
          const s = Math.floor(f * bar * n);
          expect(logEProcess(s, n, bar)).toBeLessThanOrEqual(1e-9);
          expect(gateDecision("eprocess", { successes: s, trials: n }, bar, alpha).cleared).toBe(false);
        },
      ),
    );
  });

  it("never drops with one more success, never rises with one more failure, rises with S at fixed n", () => {
    fc.assert(
      fc.property(counts(1e5), bars, ([s, n], bar) => {
        const now = logEProcess(s, n, bar);
        const tol = 1e-9 * Math.max(1, Math.abs(now));
        expect(logEProcess(s + 1, n + 1, bar)).toBeGreaterThanOrEqual(now - tol);
        expect(logEProcess(s, n + 1, bar)).toBeLessThanOrEqual(now + tol);
        if (s < n) expect(logEProcess(s + 1, n, bar)).toBeGreaterThanOrEqual(now - tol);
      }),
    );
  });

  it("is lower against a higher bar", () => {
    fc.assert(
      fc.property(counts(1e5), bars, bars, ([s, n], b1, b2) => {
        const [lo, hi] = b1 <= b2 ? [b1, b2] : [b2, b1];
        const tol = 1e-9 * Math.max(1, Math.abs(logEProcess(s, n, lo)));
        expect(logEProcess(s, n, hi)).toBeLessThanOrEqual(logEProcess(s, n, lo) + tol);
      }),
    );
  });
});

describe("gateDecision", () => {
  it("eprocess: clears at E ≥ 1/α, reports E against 1/α", () => {
    const big = gateDecision("eprocess", { successes: 990, trials: 1000 }, 0.9, 0.05);
    // One format everywhere, rounded down (issue 14): never "7.6e+29".
    expect(big).toMatchObject({ cleared: true, method: "eprocess", required: 20, label: "e-value 7.5 × 10²⁹ ≥ 20" });
    expect(Math.log(big.statistic)).toBeCloseTo(68.798594706979022177, 9);
    const yes = gateDecision("eprocess", { successes: 9100, trials: 10000 }, 0.9, 0.05);
    expect(yes).toMatchObject({ cleared: true, label: "e-value 22.0 ≥ 20" });
    expect(yes.statistic).toBeCloseTo(Math.exp(3.0938832205785883614), 8);
    const no = gateDecision("eprocess", { successes: 9000, trials: 10000 }, 0.9, 0.05);
    expect(no).toMatchObject({ cleared: false, required: 20, label: "e-value 0.037 < 20" });
    // 22.06 does not clear a 1/α of 33.3
    expect(gateDecision("eprocess", { successes: 9100, trials: 10000 }, 0.9, 0.03)).toMatchObject({
      cleared: false,
      label: "e-value 22.0 < 33.4",
    });
  });

  // Issue 20 item 5: the one look is the exact one-sided (Clopper–Pearson) test, not Wilson's approximation.
  it("wilson: the exact one-sided lower bound at α against the bar", () => {
    const d = gateDecision("wilson", { successes: 95, trials: 100 }, 0.9, 0.05);
    // P(S ≥ 95 | p = 0.9) = 5.8 % > 5 %: Wilson's approximate bound (90.08 %) cleared it; the exact test does not.
    expect(binomialUpperTail(95, 100, 0.9)).toBeGreaterThan(0.05);
    expect(d).toMatchObject({ cleared: false, method: "wilson", required: 0.9 });
    expect(binomialUpperTail(95, 100, d.statistic)).toBeCloseTo(0.05, 9);
    expect(d.label).toBe("exact 95% lower bound 89.7% < 90%");
    const more = gateDecision("wilson", { successes: 96, trials: 100 }, 0.9, 0.05);
    expect(binomialUpperTail(96, 100, 0.9)).toBeLessThanOrEqual(0.05);
    expect(more.cleared).toBe(true);
    expect(more.statistic).toBeGreaterThanOrEqual(0.9);
  });

  it("raw: the observed rate against the bar", () => {
    expect(gateDecision("raw", { successes: 9, trials: 10 }, 0.9, 0.05)).toEqual({
      cleared: true,
      method: "raw",
      statistic: 0.9,
      required: 0.9,
      label: "raw rate 90.0% ≥ 90% (no statistical guarantee)",
    });
    expect(gateDecision("raw", { successes: 0, trials: 0 }, 0.9, 0.05).cleared).toBe(false);
  });

  it("with no outcomes, no method clears", () => {
    for (const m of ["eprocess", "wilson", "raw"] as const)
      expect(gateDecision(m, { successes: 0, trials: 0 }, 0.5, 0.05).cleared).toBe(false);
  });

  it("refuses a bar or alpha outside (0, 1)", () => {
    expect(() => gateDecision("raw", { successes: 1, trials: 1 }, 1, 0.05)).toThrow(RangeError);
    expect(() => gateDecision("eprocess", { successes: 1, trials: 1 }, 0.9, 0)).toThrow(RangeError);
  });
});

describe("CUSUM", () => {
  const q0 = 0.1;
  const q1 = 0.2;

  it("adds ln(q1/q0) for a failure and ln((1−q1)/(1−q0)) for a success, floored at 0", () => {
    expect(cusumStep(0, true, q0, q1)).toBeCloseTo(Math.log(2), 15);
    expect(cusumStep(1, false, q0, q1)).toBeCloseTo(1 + Math.log(0.8 / 0.9), 15);
    expect(cusumStep(0, false, q0, q1)).toBe(0);
  });

  it("is never negative and never decreases in its previous value", () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 300 }),
        fc.double({ min: 0.001, max: 0.45, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (xs, a, w0) => {
          const b = Math.min(0.99, a * 1.5 + 0.01);
          let w = w0;
          for (const x of xs) {
            const next = cusumStep(w, x, a, b);
            expect(next).toBeGreaterThanOrEqual(0);
            expect(cusumStep(w + 1, x, a, b)).toBeGreaterThanOrEqual(next);
            w = next;
          }
          expect(cusumScan(xs, a, b, w0)).toBe(w);
        },
      ),
    );
  });

  it("alarms at ln(1/α) and defaults q1 to min(2·q0, 0.5)", () => {
    expect(cusumThreshold(0.01)).toBeCloseTo(Math.log(100), 15);
    expect(() => cusumThreshold(0)).toThrow(RangeError);
    expect(defaultFailureRate(0.1)).toBeCloseTo(0.2, 15);
    expect(defaultFailureRate(0.3)).toBe(0.5);
  });

  it("crosses ln(100) after 7 straight failures at q0 = 0.1, q1 = 0.2 (7·ln 2 = 4.85 ≥ 4.61)", () => {
    expect(cusumScan(Array(6).fill(true), q0, q1)).toBeLessThan(cusumThreshold(0.01));
    expect(cusumScan(Array(7).fill(true), q0, q1)).toBeGreaterThanOrEqual(cusumThreshold(0.01));
  });
});
