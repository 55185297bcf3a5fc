// α spent across version restarts inside one stay in a tier (SPEC §2 "Evidence is one thing"):
// the first evidence of the stay tests at α_0 = 0.8·α, the j-th restart after it at
// α_j = 0.2·α·2^−j. Σ α_j = 0.8α + 0.2α·Σ_{j≥1} 2^−j = α, so by the union bound over the stay's
// evidences (each an anytime-valid test at its own level) bumping the version to try again keeps
// the stay's false promotion ≤ α.

/** α_j of the j-th restart (j = 0: the stay's first evidence). Underflows to 0 for huge j, never NaN. */
export function restartAlpha(alpha: number, restarts: number): number {
  if (!Number.isInteger(restarts) || restarts < 0)
    throw new RangeError(`restarts must be a whole number ≥ 0, got ${restarts}`);
  return restarts === 0 ? 0.8 * alpha : 0.2 * alpha * 2 ** -restarts;
}

/** ln(1/α_j), computed in log space so it stays finite for any j. */
export function logRestartLevel(alpha: number, restarts: number): number {
  if (!Number.isInteger(restarts) || restarts < 0)
    throw new RangeError(`restarts must be a whole number ≥ 0, got ${restarts}`);
  return restarts === 0 ? -Math.log(0.8 * alpha) : -Math.log(0.2 * alpha) + restarts * Math.LN2;
}

/** "1st", "2nd", "3rd", "4th", … */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
