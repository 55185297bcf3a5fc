// How far the bar is, at today's rate (issue 25 item 1): the outcomes that would clear the gate if
// they keep arriving as they do now, found with the gate's own decision (promotionGate) on a
// deterministic stream at that rate, or "will not clear" by the gate module's closed form. Pure: the
// daily volume that turns outcomes into days is passed in.

import { DAY_MS, promotionGate } from "./eligibility";
import { evidenceFrom, promotionAlpha, type GateLook } from "./evidence-fold";
import { formatBar, formatCount, formatDays, formatRateAgainst } from "./format";
import { gateOf } from "./gates";
import { windowStartDay } from "./state-eligibility";
import type { GateDecision } from "./statistics";
import type { Counts, PolicyRules, Tier } from "./types";

/** Outcomes beyond this are not searched: "more than 10,000,000". */
export const MORE_SEARCH_CAP = 10_000_000;
/** The flicker band near the bar is scanned one outcome at a time, at most this many. */
const SCAN_CAP = 100_000;

export interface PlainGateInput {
  rules: PolicyRules;
  tier: Tier;
  /** cumulative evidence of the current version in this stay */
  evidence: Counts;
  /** the same evidence inside the tier's window (what `raw` reads) */
  window: Counts;
  restarts: number;
  look: GateLook | null;
  /** outcomes a day recently (recentDailyVolume), to put a time on the distance; absent: no time */
  dailyVolume?: number | null;
}

export type Distance =
  | { kind: "clears" }
  /** about `outcomes` more at `rate` clear it; `days` at the daily volume (null: no volume to time it) */
  | { kind: "after"; outcomes: number; rate: number; days: number | null }
  /** outcomes at `rate` never clear it; `why` in words */
  | { kind: "never"; rate: number; why: string }
  | { kind: "beyond"; rate: number }
  /** no outcomes to take a rate from: the fewest good outcomes in a row (null: none can) */
  | { kind: "no-rate"; allGood: number | null }
  /** a one-look gate whose look is spent */
  | { kind: "spent" };

/** `counts` after k more outcomes at `rate`: floor(rate·k) of them good, so a good one is never rounded up. */
export function outcomesAtRate(counts: Counts, rate: number, k: number, extraGood = 0): Counts {
  const good = Math.min(k, Math.max(0, Math.floor(rate * k + 1e-9) + extraGood));
  return { successes: counts.successes + good, trials: counts.trials + k };
}

/** The gate's own decision after k more outcomes at `rate` (a one-look gate takes its look on the way). */
export function gateAfterOutcomes(input: PlainGateInput, k: number, rate: number, extraGood = 0): GateDecision {
  const { rules, tier, evidence, window, restarts, look } = input;
  const bar = rules.tiers[tier].promotion!;
  const gate = gateOf(rules.gate);
  const after = outcomesAtRate(evidence, rate, k, extraGood);
  const afterWindow = outcomesAtRate(window, rate, k, extraGood);
  const lookAt = gate.lookAt(bar);
  if (lookAt === null || look !== null || k === 0 || after.trials < lookAt)
    return promotionGate(rules, tier, after, afterWindow, restarts, look);
  // The fold takes the one look with the first outcome at which the evidence reaches lookAt.
  const atLook = outcomesAtRate(evidence, rate, Math.max(1, lookAt - evidence.trials));
  const g = gate.decide(atLook, bar.threshold, promotionAlpha(rules, restarts));
  return promotionGate(rules, tier, after, afterWindow, restarts, {
    policyVersion: 0,
    restarts,
    successes: atLook.successes,
    trials: atLook.trials,
    cleared: g.cleared,
    statistic: g.statistic,
  });
}

/** The fewest k ≥ 1 with clears(k), searched by doubling then bisection; null beyond the cap. */
function firstClearing(clears: (k: number) => boolean): number | null {
  let hi = 1;
  while (!clears(hi)) {
    if (hi >= MORE_SEARCH_CAP) return null;
    hi = Math.min(hi * 2, MORE_SEARCH_CAP);
  }
  let lo = Math.floor(hi / 2);
  if (lo > 0 && clears(lo)) lo = 0;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (clears(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The distance to the bar at today's rate: the rate of the counts the gate reads. `allGood` gives the
 * fewest good outcomes in a row, used only when there is no rate yet.
 */
export function distanceAtRate(input: PlainGateInput, allGood: () => number | null): Distance {
  const { rules, tier } = input;
  const bar = rules.tiers[tier].promotion;
  if (!bar) return { kind: "spent" };
  if (gateAfterOutcomes(input, 0, 0).cleared) return { kind: "clears" };
  const gate = gateOf(rules.gate);
  const lookAt = gate.lookAt(bar);
  if (lookAt !== null && input.look) return { kind: "spent" };
  const counts = gate.reads === "window" ? input.window : input.evidence;
  if (counts.trials === 0) return { kind: "no-rate", allGood: allGood() };
  const rate = counts.successes / counts.trials;
  const rateText = formatRateAgainst(rate, bar.threshold);
  const barText = `the ${formatBar(bar.threshold)} bar`;
  const after = (outcomes: number): Distance => ({
    kind: "after",
    outcomes,
    rate,
    days: input.dailyVolume ? outcomes / input.dailyVolume : null,
  });
  if (lookAt !== null) {
    const k = Math.max(1, lookAt - input.evidence.trials);
    if (gateAfterOutcomes(input, k, rate).cleared) return after(k);
    const good = outcomesAtRate(input.evidence, rate, k).successes;
    return {
      kind: "never",
      rate,
      why: `${rateText} gives ${formatCount(good)} good of ${formatCount(input.evidence.trials + k)} at its look, too few for ${barText}`,
    };
  }
  if (!gate.clearsInTheLongRun(rate, bar.threshold))
    return {
      kind: "never",
      rate,
      why:
        rate < bar.threshold
          ? `${rateText} is below ${barText}`
          : `${rateText} is at ${barText}, and it needs evidence of a rate above it`,
    };
  const clears = (k: number) => gateAfterOutcomes(input, k, rate).cleared;
  const n = firstClearing(clears);
  if (n === null) return { kind: "beyond", rate };
  // floor(rate·k) rises in steps, so near the bar clearing flickers with k and bisection may land past
  // the first k that clears. One good outcome more than the stream gives never clears later than the
  // stream does, so the first k that clears lies between that optimistic boundary and n: scan it.
  const from = firstClearing((k) => gateAfterOutcomes(input, k, rate, 1).cleared) ?? n;
  for (let k = Math.max(1, Math.max(from, n - SCAN_CAP)); k < n; k++) if (clears(k)) return after(k);
  return after(n);
}

const outcomesWord = (n: number) => `outcome${n === 1 ? "" : "s"}`;

/** The distance as the clause of a gate sentence; `oneLook`: the gate judges once, at its look. */
export function distanceInWords(d: Distance, oneLook: boolean): string {
  const atLook = oneLook ? " at that look" : "";
  switch (d.kind) {
    case "clears":
      return "it clears";
    case "spent":
      return "its one look is spent";
    case "after": {
      const time = d.days === null ? "" : d.days > 0 ? ` (≈ ${formatDays(d.days)} days at this volume)` : "";
      return `about ${formatCount(d.outcomes)} more ${outcomesWord(d.outcomes)} at today's rate${time} would clear it${atLook}`;
    }
    case "never":
      return `it will not clear at today's rate (${d.why})`;
    case "beyond":
      return `more than ${formatCount(MORE_SEARCH_CAP)} more outcomes at today's rate would be needed`;
    case "no-rate":
      if (d.allGood === null)
        return oneLook
          ? "even if every outcome until then is good, that look would not clear it"
          : `more than ${formatCount(MORE_SEARCH_CAP)} good outcomes in a row would be needed`;
      return `${formatCount(d.allGood)} more good ${outcomesWord(d.allGood)} in a row would clear it${atLook}`;
  }
}

/**
 * Outcomes a day of the current evidence over the last `span` days (fewer when the evidence began
 * later): the volume a distance in outcomes is turned into days with.
 */
export function recentDailyVolume(
  state: { days: Record<string, [number, number]>; evidenceSince: number },
  now: number,
  span = 7,
): number {
  const counted = evidenceFrom(state, windowStartDay(now, span)).trials;
  const covered = Math.min(span, Math.max(1, Math.ceil((now - state.evidenceSince) / DAY_MS)));
  return counted / covered;
}
