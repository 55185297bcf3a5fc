// Why the gate is an e-process (SPEC §2 "Metric"): an agent whose true rate
// sits exactly on the bar, with the gate re-checked after every outcome.
import { describe, expect, it } from "vitest";
import { gateDecision } from "./statistics";
import type { GateMethod } from "./types";

const BAR = 0.9;
const ALPHA = 0.05;
const OUTCOMES = 2000;
const RUNS = 10_000;
const SEED = 20240601;

/** mulberry32: small, fast, deterministic PRNG in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clears = (method: GateMethod, successes: number, trials: number) =>
  gateDecision(method, { successes, trials }, BAR, ALPHA).cleared;

/**
 * For each n, the fewest successes that clear the gate (n + 1 = none do).
 * Both gates are monotone in S at fixed n (property-tested in
 * statistics.test.ts), so a binary search finds it and each check during a
 * run is a single comparison: 2,000 × ~11 gate evaluations instead of 8 million.
 */
function minSuccessesToClear(method: GateMethod): Int32Array {
  const table = new Int32Array(OUTCOMES + 1);
  for (let n = 0; n <= OUTCOMES; n++) {
    let lo = 0;
    let hi = n + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (clears(method, mid, n)) hi = mid;
      else lo = mid + 1;
    }
    table[n] = lo;
  }
  return table;
}

describe("false promotion at a true rate exactly on the bar, re-checked after every outcome", () => {
  const eTable = minSuccessesToClear("eprocess");
  const wTable = minSuccessesToClear("wilson");

  it("the lookup tables agree with the gate itself on simulated paths", () => {
    const rnd = mulberry32(SEED + 1);
    for (let run = 0; run < 10; run++) {
      let s = 0;
      for (let n = 1; n <= OUTCOMES; n++) {
        if (rnd() < BAR) s++;
        if (n % 7 !== 0) continue; // every 7th step: plenty of coverage, quick
        expect(clears("eprocess", s, n)).toBe(s >= eTable[n]!);
        expect(clears("wilson", s, n)).toBe(s >= wTable[n]!);
      }
    }
  });

  it(`e-process stays ≤ α = ${ALPHA}; a one-sided 95 % Wilson bound promotes far more often`, () => {
    const rnd = mulberry32(SEED);
    let eFalse = 0;
    let wFalse = 0;
    for (let run = 0; run < RUNS; run++) {
      let s = 0;
      let eHit = false;
      let wHit = false;
      for (let n = 1; n <= OUTCOMES && !(eHit && wHit); n++) {
        if (rnd() < BAR) s++;
        if (s >= eTable[n]!) eHit = true;
        if (s >= wTable[n]!) wHit = true;
      }
      if (eHit) eFalse++;
      if (wHit) wFalse++;
    }
    const eRate = eFalse / RUNS;
    const wRate = wFalse / RUNS;
    // Observed with this seed: e-process 0.0446, Wilson 0.3527 (other seeds: 0.041–0.045 and 0.35–0.36).
    // Ville's inequality bounds the e-process at α over any number of looks.
    expect(eRate).toBeLessThanOrEqual(ALPHA);
    expect(wRate).toBeGreaterThan(0.2);
    console.info(
      `false promotion over ${RUNS} runs × ${OUTCOMES} outcomes at p = bar = ${BAR}: e-process ${eRate}, Wilson ${wRate}`,
    );
  });
});
