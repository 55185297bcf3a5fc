// Operating characteristics of the Bernoulli CUSUM (SPEC §2: the alarm level h comes from a target
// false-alarm average run length at the rate the agent cleared to enter the tier).
//
// Brook–Evans Markov chain on a grid of step u: a success lowers W by Ks·u with Ks = floor(b/u)
// (b = ln((1−q0)/(1−q1)), the exact decrement), a failure raises it by Kf·u with Kf = ceil(a/u)
// (a = ln(q1/q0)). Rounding the fall down and the rise up makes the grid chain's W ≥ the real W at
// every step (induction through max(0, ·)), so the grid alarms no later than the real detector: its
// run length is a lower bound of the real one. The h chosen from it therefore meets the false-alarm
// target for the real CUSUM, and the same grid's delay is an upper bound of the real delay.

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

interface Grid {
  u: number;
  ks: number;
  kf: number;
}

/** Largest state count the solver is asked to handle: keeps one solve in the low milliseconds. */
const MAX_STATES = 2500;
const TARGET_STATES = 1200;

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

function gridFor(inc: CusumIncrements, hScale: number): Grid {
  // A fine grid where it is affordable (32 steps per success), coarser for a long climb.
  const u = Math.min(inc.down, Math.max(inc.down / 32, hScale / TARGET_STATES));
  return { u, ks: Math.max(1, Math.floor(inc.down / u + 1e-9)), kf: Math.ceil(inc.up / u - 1e-9) };
}

/**
 * Average run length from W = 0 of the grid chain with alarm at state ≥ H, failure probability p.
 * Solves (I − P)L = 1, banded (rows reach back ks and forward kf), by elimination without pivoting:
 * I − P is a non-singular M-matrix, for which that is stable.
 */
function gridArl(g: Grid, H: number, p: number): number {
  if (H <= 0) return 1;
  const lower = g.ks;
  const upper = g.kf;
  const width = lower + upper + 1;
  // band[i*width + (j − i + lower)] = A[i][j]
  const band = new Float64Array(H * width);
  const rhs = new Float64Array(H).fill(1);
  const at = (i: number, j: number) => i * width + (j - i + lower);
  for (let i = 0; i < H; i++) {
    band[at(i, i)]! += 1;
    const upTo = i + g.kf;
    if (upTo < H) band[at(i, upTo)]! -= p;
    const downTo = Math.max(0, i - g.ks);
    band[at(i, downTo)]! -= 1 - p;
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
  return x[0]!;
}

export interface CusumDesign {
  q0: number;
  q1: number;
  /** failure rate at which the false-alarm run length is targeted */
  comfortable: number;
  targetArl: number;
  /** alarm level */
  h: number;
  /** average run length at the comfortable rate (a lower bound of the real one) */
  falseAlarmArl: number;
  /** average outcomes to an alarm from W = 0 once the failure rate is q1 (an upper bound) */
  detectionDelay: number;
  /** false when even the largest computable h misses the target (reported, never silent) */
  targetMet: boolean;
}

const designs = new Map<string, CusumDesign>();

/**
 * The alarm level h whose false-alarm run length at failure rate `comfortable` is at least
 * `targetArl`, with its operating characteristics. Memoised: it sits on the ingest's hot path.
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
  const theta = adjustmentRoot(inc, comfortable);
  // Siegmund: ARL ≈ e^{θh}/(θ·|drift|·…); 1.5× its h plus one rise covers the exact answer.
  const hScale = (1.5 * Math.log(Math.max(targetArl, 2))) / theta + inc.up;
  const g = gridFor(inc, hScale);
  let lo = 0;
  let hi = Math.min(MAX_STATES, Math.ceil(hScale / g.u));
  let targetMet = true;
  while (gridArl(g, hi, comfortable) < targetArl) {
    if (hi >= MAX_STATES) {
      targetMet = false;
      break;
    }
    lo = hi;
    hi = Math.min(MAX_STATES, hi * 2);
  }
  if (targetMet) {
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (gridArl(g, mid, comfortable) >= targetArl) hi = mid;
      else lo = mid;
    }
  }
  const design: CusumDesign = {
    q0,
    q1,
    comfortable,
    targetArl,
    h: hi * g.u,
    falseAlarmArl: gridArl(g, hi, comfortable),
    detectionDelay: gridArl(g, hi, q1),
    targetMet,
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
 * P(alarm within n outcomes) for n = 1..horizon at failure rate p, from W = 0, alarm level h, on a
 * grid chain: an upper bound of the real detector's (the grid alarms no later). Forward iteration,
 * O(horizon · states): for long horizons (false alarms within 10^5 outcomes).
 */
export function gridAlarmWithin(q0: number, q1: number, h: number, p: number, horizon: number): Float64Array {
  const inc = cusumIncrements(q0, q1);
  const g = gridFor(inc, h);
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
      const up = i + g.kf;
      if (up >= H) alarmed += m * p;
      else next[up]! += m * p;
      next[Math.max(0, i - g.ks)]! += m * (1 - p);
    }
    [mass, next] = [next, mass];
    out[n] = alarmed;
  }
  return out;
}

const runLengths = new Map<string, number>();

/** Average run length from W = 0 at failure rate p with alarm level h (grid chain: a lower bound). Memoised. */
export function cusumRunLength(q0: number, q1: number, h: number, p: number): number {
  const key = `${q0}|${q1}|${h}|${p}`;
  const hit = runLengths.get(key);
  if (hit !== undefined) return hit;
  const inc = cusumIncrements(q0, q1);
  if (!(p > 0 && p < 1)) throw new RangeError(`failure rate must be in (0, 1), got ${p}`);
  const g = gridFor(inc, h);
  const value = gridArl(g, Math.min(MAX_STATES * 4, Math.ceil(h / g.u - 1e-9)), p);
  if (runLengths.size > 10_000) runLengths.clear();
  runLengths.set(key, value);
  return value;
}
