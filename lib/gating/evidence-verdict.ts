// Whether each reported outcome counts as evidence, and why not, in words (issue 25: an event came back
// `accepted` with no sign that it would never count). Decided by the fold itself, one outcome at a
// time in the fold's order, so the answer cannot disagree with the evidence; the words only explain.
import { foldEvidence, type EvidenceState, type FoldContext, type FoldOutcome } from "./evidence-fold";
import { countsForPromotion } from "./evidence-source";
import { METRIC_FAMILY, outcomeOf } from "./outcomes";

export interface EvidenceVerdict {
  counted: boolean;
  /** why it does not count (absent when it counts) */
  notCounted?: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC";

/** Why the fold left this outcome out of the tier's evidence (called only when it did). */
function whyNot(e: FoldOutcome, before: EvidenceState, ctx: FoldContext): string {
  const { tier } = ctx;
  if (e.occurredAt < ctx.tierSince)
    return `occurred before the action type entered ${tier} (${day(ctx.tierSince)}): only outcomes of this stay count`;
  if (e.kind === "incident")
    return "an incident is not an outcome: it may demote the action type, it never promotes it";
  if (e.reverts) return `the event it reverts is not in ${tier}'s current evidence: nothing to turn into a failure`;
  if (e.tier !== tier)
    return `labelled ${e.tier}, but the action type is in ${tier}: only ${tier} outcomes count as its evidence (a failure still counts toward demotion)`;
  if (outcomeOf(e.kind, tier) === "ignored")
    return `${e.kind} is not a ${tier} outcome: ${tier} counts ${METRIC_FAMILY[tier]}.* events`;
  if (!countsForPromotion(e.source, ctx.rules.tiers[tier].evidence))
    return `${tier} takes attested evidence only (a reporter key's or a person's): the agent's own outcome does not count toward promotion (a failure still counts toward demotion)`;
  if (e.occurredAt < before.evidenceSince)
    return `occurred before the current evidence began (${day(before.evidenceSince)}: tier entry or the agent version's first outcome)`;
  return `not part of ${tier}'s evidence`;
}

/** The fold's order: by occurrence, stable (as foldEvidence sorts). */
function foldOrder(outcomes: readonly FoldOutcome[]): number[] {
  return outcomes
    .map((o, i) => ({ at: o.occurredAt, i }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.i);
}

/**
 * One verdict per outcome, in the order given: counted when the fold put it into the tier's evidence
 * (a trial added, or a new agent version's evidence begun with it; a revert that turned a success
 * into a failure).
 */
export function evidenceVerdicts(
  initial: EvidenceState,
  outcomes: readonly FoldOutcome[],
  ctx: FoldContext,
): EvidenceVerdict[] {
  const verdicts: EvidenceVerdict[] = new Array(outcomes.length);
  // The per-day maps decide nothing here (only the counts and where the evidence starts do): folding
  // without them keeps a 1,000-event batch from copying a year of days a thousand times.
  const bare = (s: EvidenceState): EvidenceState => ({ ...s, days: {}, stayDays: {} });
  let state = bare(initial);
  for (const i of foldOrder(outcomes)) {
    const e = outcomes[i]!;
    const after = bare(foldEvidence(state, [e], ctx).state);
    const counted = e.reverts
      ? after.successes < state.successes
      : after.trials !== state.trials || after.evidenceSince !== state.evidenceSince;
    verdicts[i] = counted ? { counted: true } : { counted: false, notCounted: whyNot(e, state, ctx) };
    state = after;
  }
  return verdicts;
}
