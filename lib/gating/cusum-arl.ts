// Operating characteristics of the Bernoulli CUSUM (SPEC §2: the alarm level h comes from a target
// false-alarm average run length at the rate the agent cleared to enter the tier).
//
// Brook–Evans Markov chains on a grid of step u = b/K (b = ln((1−q0)/(1−q1)), a success's exact
// fall; a = ln(q1/q0), a failure's rise). Rounding the rise up gives a chain whose W is ≥ the real W
// at every step (induction through max(0, ·)): it alarms no later, so its run length is a lower bound
// of the real one. Rounding the rise down gives the matching upper bound. The h chosen on the lower
// chain meets the false-alarm target for the real CUSUM; the delay is shown as the bracket of the two.
// A solve whose answer does not satisfy its own equations is refused (NaN), never shown.

export interface CusumIncrements {
  /** ln(q1/q0): rise on a failure */
  up: number;
  /** ln((1−q0)/(1−q1)): fall on a success */
  down: number;
}

export function cusumIncrements(q0: number, q1: number): CusumIncrements {
  if (!(q0 > 0 && q0 < 1 && q1 > q0 && q1 < 1))
    throw new RangeError(`CUSUM needs 0 < q0 < q1 < 1, got q0 = ${q0}, q1 = ${q1}`);
  return { up: Math.log(q1 / q0), down: Math.log((1 - q0) / (1 - q1)) };
}

/**
 * A grid of step u = down/K: a success's fall is exact (K steps); a failure's rise is rounded up
 * (kfLow, the chain that alarms no later: a lower bound of every run length) or down (kfHigh, the
 * chain that alarms no earlier: an upper bound). The real detector's run length lies between the two.
 */
export interface CusumGrid {
  u: number;
  ks: number;
  kfLow: number;
  kfHigh: number;
  /** most states a chain on this grid is solved with (memory and time bound) */
  maxStates: number;
}

/** Work per solve ≈ states · ks · (ks + kf): kept to a few milliseconds. */
const SOLVE_BUDGET = 3e5;
/** Typical alarm level the grid is sized for (h of the default policies is 3.6–5.9). */
const NOMINAL_H = 10;
/** Band memory bound: states · width doubles. */
const BAND_CELLS = 3e6;
const MAX_STATES = 40_000;

/** The grid of a detector (q0, q1) — or of two detectors compared on one grid (the finer fall). */
export function cusumGrid(...detectors: ReadonlyArray<readonly [q0: number, q1: number]>): CusumGrid {
  return gridWithBudget(SOLVE_BUDGET, detectors);
}

/** A finer grid for comparing two detectors (policy-diff: off the hot path, memoised). */
export function cusumComparisonGrid(...detectors: ReadonlyArray<readonly [q0: number, q1: number]>): CusumGrid {
  return gridWithBudget(10 * SOLVE_BUDGET, detectors);
}

function gridWithBudget(budget: number, detectors: ReadonlyArray<readonly [q0: number, q1: number]>): CusumGrid {
  const incs = detectors.map(([q0, q1]) => cusumIncrements(q0, q1));
  const down = Math.min(...incs.map((i) => i.down));
  const ratio = Math.max(...incs.map((i) => i.up / down));
  const k = Math.floor(Math.cbrt((budget * down) / (NOMINAL_H * (1 + ratio))));
  const K = Math.max(1, Math.min(64, k));
  const u = down / K;
  // With one detector its fall is exactly K steps; a second detector's fall is rounded too.
  const [first] = incs;
  const ks = incs.length === 1 ? K : Math.floor(Math.min(...incs.map((i) => i.down)) / u + 1e-9);
  const kfLow = Math.ceil(first!.up / u - 1e-9);
  const width = K + Math.max(...incs.map((i) => Math.ceil(i.up / u))) + 2;
  return {
    u,
    ks,
    kfLow,
    kfHigh: Math.floor(first!.up / u + 1e-9),
    maxStates: Math.min(MAX_STATES, BAND_CELLS / width),
  };
}

/** Root θ > 0 of p·e^{θ·up} + (1−p)·e^{−θ·down} = 1 (exists when the drift at p is negative). */
function adjustmentRoot(inc: CusumIncrements, p: number): number {
  const f = (t: number) => p * Math.exp(t * inc.up) + (1 - p) * Math.exp(-t * inc.down) - 1;
  let hi = 1;
  while (f(hi) < 0 && hi < 1e6) hi *= 2;
  let lo = 1e-12;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Largest run length the solver reports: beyond it double precision cannot vouch for the answer. */
const ARL_CEILING = 1e13;

/**
 * Average run length from W = 0 of a grid chain (rise `kf`, fall `ks` states, alarm at state ≥ H),
 * failure probability p. Solves (I − P)L = 1, banded, by elimination without pivoting (I − P is a
 * non-singular M-matrix), then checks the answer against the equations: NaN when it is not a run
 * length (non-finite, below 1, above ARL_CEILING, or a residual above 10^-3) — refused, never shown.
 */
function chainArl(ks: number, kf: number, H: number, p: number): number {
  if (H <= 0) return 1;
  if (kf === 0) return NaN; // a rise rounded to nothing: this chain never alarms
  const lower = ks;
  const upper = kf;
  const width = lower + upper + 1;
  const band = new Float64Array(H * width);
  const rhs = new Float64Array(H).fill(1);
  const at = (i: number, j: number) => i * width + (j - i + lower);
  for (let i = 0; i < H; i++) {
    band[at(i, i)]! += 1;
    if (i + kf < H) band[at(i, i + kf)]! -= p;
    band[at(i, Math.max(0, i - ks))]! -= 1 - p;
  }
  for (let k = 0; k < H; k++) {
    const pivot = band[at(k, k)]!;
    const lastRow = Math.min(H - 1, k + lower);
    const lastCol = Math.min(H - 1, k + upper);
    for (let i = k + 1; i <= lastRow; i++) {
      const factor = band[at(i, k)]! / pivot;
      if (factor === 0) continue;
      for (let j = k; j <= lastCol; j++) band[at(i, j)]! -= factor * band[at(k, j)]!;
      rhs[i]! -= factor * rhs[k]!;
    }
  }
  const x = new Float64Array(H);
  for (let i = H - 1; i >= 0; i--) {
    let s = rhs[i]!;
    const lastCol = Math.min(H - 1, i + upper);
    for (let j = i + 1; j <= lastCol; j++) s -= band[at(i, j)]! * x[j]!;
    x[i] = s / band[at(i, i)]!;
  }
  const arl = x[0]!;
  if (!(Number.isFinite(arl) && arl >= 1 && arl <= ARL_CEILING)) return NaN;
  for (let i = 0; i < H; i++) {
    const next = i + kf < H ? x[i + kf]! : 0;
    const residual = x[i]! - p * next - (1 - p) * x[Math.max(0, i - ks)]! - 1;
    if (!(Math.abs(residual) <= 1e-3)) return NaN;
  }
  return arl;
}

export interface ArlBracket {
  /** the real detector's run length is at least this (NaN: not computable) */
  lower: number;
  /** … and at most this (NaN: not computable) */
  upper: number;
}

const brackets = new Map<string, ArlBracket>();

/**
 * Bracket of the real CUSUM's average run length from W = 0 at failure rate p, alarm level h, on the
 * grid g (the detector's own by default). Memoised: policy-diff and the policy page ask repeatedly.
 */
export function cusumArlBracket(q0: number, q1: number, h: number, p: number, g = cusumGrid([q0, q1])): ArlBracket {
  const key = `${q0}|${q1}|${h}|${p}|${g.u}`;
  const hit = brackets.get(key);
  if (hit) return hit;
  if (!(p > 0 && p < 1)) throw new RangeError(`failure rate must be in (0, 1), got ${p}`);
  const inc = cusumIncrements(q0, q1);
  const ksLow = Math.floor(inc.down / g.u + 1e-9);
  const ksHigh = Math.ceil(inc.down / g.u - 1e-9);
  const kfLow = Math.ceil(inc.up / g.u - 1e-9);
  const kfHigh = Math.floor(inc.up / g.u + 1e-9);
  const H = Math.ceil(h / g.u - 1e-9);
  const tooBig = H > g.maxStates;
  const result = {
    lower: tooBig ? NaN : chainArl(ksLow, kfLow, H, p),
    upper: tooBig ? NaN : chainArl(ksHigh, kfHigh, H, p),
  };
  if (brackets.size > 20_000) brackets.clear();
  brackets.set(key, result);
  return result;
}

export interface CusumDesign {
  q0: number;
  q1: number;
  /** failure rate at which the false-alarm run length is targeted */
  comfortable: number;
  targetArl: number;
  /** alarm level */
  h: number;
  /** run length at the comfortable rate: at least this (the real one is ≥ it) */
  falseAlarmArl: number;
  /** mean outcomes to an alarm from W = 0 once the failure rate is q1: at most this */
  detectionDelay: number;
  /** … and at least this: the real mean lies in [detectionDelayLower, detectionDelay] */
  detectionDelayLower: number;
  /** false when no alarm level the solver can vouch for reaches the target (refused by validation) */
  targetMet: boolean;
  /** when the target is missed: the largest false-alarm run length the solver vouches for (the nearest achievable target) */
  reachableArl: number;
}

const designs = new Map<string, CusumDesign>();

/**
 * The alarm level h whose false-alarm run length at failure rate `comfortable` is at least
 * `targetArl` (on the chain that alarms no later, so the real detector meets it), with its delay
 * bracket. Memoised: it sits on the ingest's hot path.
 */
export function designCusum(q0: number, q1: number, comfortable: number, targetArl: number): CusumDesign {
  const key = `${q0}|${q1}|${comfortable}|${targetArl}`;
  const hit = designs.get(key);
  if (hit) return hit;
  const inc = cusumIncrements(q0, q1);
  if (!(comfortable > 0 && comfortable < q0))
    throw new RangeError(`the comfortable failure rate must be in (0, q0 = ${q0}), got ${comfortable}`);
  if (!(targetArl >= 1 && Number.isFinite(targetArl)))
    throw new RangeError(`target run length must be ≥ 1, got ${targetArl}`);
  const g = cusumGrid([q0, q1]);
  const arlAt = (H: number) => chainArl(g.ks, g.kfLow, H, comfortable);
  const maxH = Math.floor(g.maxStates);
  // Siegmund: ARL ≈ e^{θh}; start near it, double until the target is met, then bisect.
  const theta = adjustmentRoot(inc, comfortable);
  let hi = Math.min(maxH, Math.max(1, Math.ceil((Math.log(Math.max(targetArl, 2)) / theta + inc.up) / g.u)));
  // Smallest H whose run length meets the target or that the solver cannot vouch for (NaN).
  const stop = (v: number) => v >= targetArl || v !== v;
  let lo = 0;
  let hiArl = arlAt(hi);
  while (!stop(hiArl) && hi < maxH) {
    lo = hi;
    hi = Math.min(maxH, hi * 2);
    hiArl = arlAt(hi);
  }
  if (stop(hiArl)) {
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const v = arlAt(mid);
      if (stop(v)) [hi, hiArl] = [mid, v];
      else lo = mid;
    }
  }
  const targetMet = hiArl >= targetArl;
  if (hiArl !== hiArl) {
    // The solver cannot vouch for this level: keep the last one it could.
    hi = Math.max(lo, 1);
    hiArl = arlAt(hi);
  }
  const falseAlarmArl = hiArl;
  const h = hi * g.u;
  // The delay is shown to people: bracketed on a finer grid (a short run length, solved once).
  const delay = cusumArlBracket(q0, q1, h, q1, gridWithBudget(40 * SOLVE_BUDGET, [[q0, q1]]));
  const design: CusumDesign = {
    q0,
    q1,
    comfortable,
    targetArl,
    h,
    falseAlarmArl,
    detectionDelay: delay.upper,
    detectionDelayLower: delay.lower,
    targetMet,
    reachableArl: targetMet ? Infinity : falseAlarmArl,
  };
  if (designs.size > 10_000) designs.clear();
  designs.set(key, design);
  return design;
}

/** Exact run-length distribution of the real CUSUM from W = 0 at failure rate p: P(alarm within n) for n = 1..horizon. */
export function cusumAlarmWithin(q0: number, q1: number, h: number, p: number, horizon: number): Float64Array {
  const inc = cusumIncrements(q0, q1);
  // State: (failures, successes) since the last time W was 0, W = f·up − s·down > 0; plus W = 0.
  let mass = new Map<number, number>([[0, 1]]);
  const STRIDE = 1 << 20;
  const cumulative = new Float64Array(horizon + 1);
  let alarmed = 0;
  for (let n = 1; n <= horizon; n++) {
    const next = new Map<number, number>();
    for (const [key, m] of mass) {
      const f = Math.floor(key / STRIDE);
      const s = key % STRIDE;
      // failure
      const wf = (f + 1) * inc.up - s * inc.down;
      if (wf >= h - 1e-12) alarmed += m * p;
      else next.set((f + 1) * STRIDE + s, (next.get((f + 1) * STRIDE + s) ?? 0) + m * p);
      // success
      const ws = f * inc.up - (s + 1) * inc.down;
      const k = ws > 1e-12 ? f * STRIDE + s + 1 : 0;
      next.set(k, (next.get(k) ?? 0) + m * (1 - p));
    }
    mass = next;
    cumulative[n] = alarmed;
  }
  return cumulative;
}

/**
 * P(alarm within n outcomes) for n = 1..horizon at failure rate p, from W = 0, alarm level h, on the
 * chain that alarms no later: an upper bound of the real detector's. Forward iteration,
 * O(horizon · states): for long horizons (false alarms within 10^5 outcomes).
 */
export function gridAlarmWithin(q0: number, q1: number, h: number, p: number, horizon: number): Float64Array {
  const g = cusumGrid([q0, q1]);
  const H = Math.ceil(h / g.u - 1e-9);
  let mass = new Float64Array(H);
  let next = new Float64Array(H);
  mass[0] = 1;
  const out = new Float64Array(horizon + 1);
  let alarmed = 0;
  for (let n = 1; n <= horizon; n++) {
    next.fill(0);
    for (let i = 0; i < H; i++) {
      const m = mass[i]!;
      if (m === 0) continue;
      const up = i + g.kfLow;
      if (up >= H) alarmed += m * p;
      else next[up]! += m * p;
      next[Math.max(0, i - g.ks)]! += m * (1 - p);
    }
    [mass, next] = [next, mass];
    out[n] = alarmed;
  }
  return out;
}

/** Average run length from W = 0 at failure rate p with alarm level h: a lower bound (NaN if not computable). */
export function cusumRunLength(q0: number, q1: number, h: number, p: number): number {
  return cusumArlBracket(q0, q1, h, p).lower;
}
