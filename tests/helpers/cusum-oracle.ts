// An independent bracket of the Bernoulli CUSUM's average run length (tests only): two Brook–Evans
// chains on the grid u. One rounds a failure's rise up and a success's fall down (its W never falls
// below the real W, so it alarms no later: a lower bound of the run length); the other rounds the
// other way (an upper bound). The real detector's run length lies between them, whatever u is.

function chainArl(rise: number, fall: number, states: number, p: number): number {
  if (rise === 0) return Infinity;
  // Value iteration would need ~ARL sweeps; a dense-band solve of (I − P)L = 1 is exact instead.
  const lower = fall;
  const upper = rise;
  const width = lower + upper + 1;
  const band = new Float64Array(states * width);
  const rhs = new Float64Array(states).fill(1);
  const at = (i: number, j: number) => i * width + (j - i + lower);
  for (let i = 0; i < states; i++) {
    band[at(i, i)]! += 1;
    if (i + rise < states) band[at(i, i + rise)]! -= p;
    band[at(i, Math.max(0, i - fall))]! -= 1 - p;
  }
  for (let k = 0; k < states; k++) {
    const pivot = band[at(k, k)]!;
    for (let i = k + 1; i <= Math.min(states - 1, k + lower); i++) {
      const f = band[at(i, k)]! / pivot;
      if (f === 0) continue;
      for (let j = k; j <= Math.min(states - 1, k + upper); j++) band[at(i, j)]! -= f * band[at(k, j)]!;
      rhs[i]! -= f * rhs[k]!;
    }
  }
  const x = new Float64Array(states);
  for (let i = states - 1; i >= 0; i--) {
    let s = rhs[i]!;
    for (let j = i + 1; j <= Math.min(states - 1, i + upper); j++) s -= band[at(i, j)]! * x[j]!;
    x[i] = s / band[at(i, i)]!;
  }
  return x[0]!;
}

/** [lower, upper] of the real CUSUM's run length from W = 0 at failure rate p, on grid step u. */
export function arlBracket(q0: number, q1: number, h: number, p: number, u: number): [number, number] {
  const up = Math.log(q1 / q0);
  const down = Math.log((1 - q0) / (1 - q1));
  const states = Math.ceil(h / u - 1e-12);
  return [
    chainArl(Math.ceil(up / u - 1e-12), Math.max(0, Math.floor(down / u + 1e-12)), states, p),
    chainArl(Math.floor(up / u + 1e-12), Math.ceil(down / u - 1e-12), states, p),
  ];
}

/** A grid fine enough for a few-percent bracket, coarse enough to solve in milliseconds. */
export function oracleStep(q0: number, q1: number, q0b: number, q1b: number): number {
  const down = Math.min(Math.log((1 - q0) / (1 - q1)), Math.log((1 - q0b) / (1 - q1b)));
  return down / 12;
}
