// The autonomy slider inside RUN (SPEC §7): a percentage of external subjects on which the agent acts.
// A subject's bucket comes from a stable hash of the action type's salt and the subject key, so the
// same subject gets the same answer on every instance and over time, and raising the percentage
// only adds subjects (bucket < percent is monotone in percent). Pure: the SDK computes it from memory.
import { decide, type Decision } from "./outcomes";
import type { Audience, PolicyRules, Tier } from "./types";

/** Buckets per 100 %: a percentage may carry two decimals. */
export const SLIDER_BUCKETS = 10_000;

/**
 * cyrb53 (a public-domain 53-bit string hash, good avalanche): synchronous and identical in every
 * JavaScript runtime (it reads UTF-16 code units), so the SDK in a browser answers like the server.
 */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The subject's bucket in [0, SLIDER_BUCKETS): fixed for a (salt, subject) pair. */
export function sliderBucket(salt: string, subject: string): number {
  return hash53(`${salt}\u0000${subject}`) % SLIDER_BUCKETS;
}

/** Whether the subject is inside a slider at `percent` (0–100). */
export function insideSlider(salt: string, subject: string, percent: number): boolean {
  return sliderBucket(salt, subject) < Math.round(percent * (SLIDER_BUCKETS / 100));
}

/** The slider part of a policy: a fixed percentage, or a ramp schedule of steps. */
export interface SliderRules {
  /** percentage of external subjects in RUN on which the agent acts (0–100; default 100) */
  percent: number;
  /** ramp schedule: percentages in increasing order; the current step is state on the action type */
  steps?: number[];
  /** minimum whole days at a step before it may advance */
  minDaysPerStep?: number;
}

export const FULL_SLIDER: SliderRules = { percent: 100 };

export function sliderOf(rules: Pick<PolicyRules, "slider">): SliderRules {
  return rules.slider ?? FULL_SLIDER;
}

/** The percentage in force: the schedule's current step when there is one, else the fixed percent. */
export function effectivePercent(slider: SliderRules, rampStep: number): number {
  if (slider.steps && slider.steps.length > 0)
    return slider.steps[Math.max(0, Math.min(rampStep, slider.steps.length - 1))]!;
  return slider.percent;
}

/** What an agent needs to answer the slider itself (agent-scoped: only the agent's own key sees the salt). */
export interface SliderView {
  percent: number;
  salt: string;
}

export type SliderDecision = Decision & { split: boolean };

/**
 * The decision for one subject. RUN with a slider below 100 acts only on subjects inside it; others
 * get WALK's answer. Without a subject it answers as WALK (fail closed) and says so. `split` is true
 * when the slider decided (OFREP reason SPLIT).
 */
export function decideForSubject(
  tier: Tier | null,
  frozen: boolean,
  audience: Audience,
  slider: SliderView | null,
  subject: string | undefined,
): SliderDecision {
  if (tier !== "RUN" || !slider || slider.percent >= 100) return { ...decide(tier, frozen, audience), split: false };
  const frozenNote = frozen ? " (tier frozen)" : "";
  if (subject !== undefined && insideSlider(slider.salt, subject, slider.percent)) {
    const run = decide("RUN", false, audience);
    return {
      ...run,
      reason: `RUN at ${slider.percent}%: subject inside the slider: ${run.reason}${frozenNote}`,
      split: true,
    };
  }
  // Outside the slider, or no subject (fail closed): WALK's answer, while the action type stays RUN.
  const why =
    subject === undefined
      ? `RUN at ${slider.percent}%: no subject given, answered as WALK (fail closed)`
      : `RUN at ${slider.percent}%: subject outside the slider, answered as WALK`;
  const walk = decide("WALK", false, audience);
  return {
    ...walk,
    tier: "RUN",
    limitedBy: { rule: "slider", reason: why },
    reason: `${why}: ${walk.reason}${frozenNote}`,
    split: true,
  };
}

/** The tier an OFREP evaluation answers for a subject: RUN inside the slider, WALK outside or without one. */
export function tierForSubject(
  tier: Tier,
  slider: SliderView | null,
  subject: string | undefined,
): { tier: Tier; split: boolean } {
  if (tier !== "RUN" || !slider || slider.percent >= 100) return { tier, split: false };
  const inside = subject !== undefined && insideSlider(slider.salt, subject, slider.percent);
  return { tier: inside ? "RUN" : "WALK", split: true };
}
