// Whether each reported outcome counts as evidence, and why not, in words (issue 25: an event came back
// `accepted` with no sign that it would never count). Decided by the fold itself, which marks each
// outcome it puts into the evidence, so the answer cannot disagree with it; the words only explain.
import { foldEvidence, type EvidenceState, type FoldContext, type FoldOutcome, type FoldResult } from "./evidence-fold";
import { countsForPromotion } from "./evidence-source";
import { METRIC_FAMILY, outcomeOf } from "./outcomes";

export interface EvidenceVerdict {
  counted: boolean;
  /** why it does not count (absent when it counts) */
  notCounted?: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC";

/** Why the fold left this outcome out of the tier's evidence (called only when it did); `evidenceSince`: where the evidence began just before it. */
function whyNot(e: FoldOutcome, evidenceSince: number, ctx: FoldContext): string {
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
  if (e.occurredAt < evidenceSince)
    return `occurred before the current evidence began (${day(evidenceSince)}: tier entry or the agent version's first outcome)`;
  return `not part of ${tier}'s evidence`;
}

/**
 * One verdict per outcome of a fold, in the order given: counted when the fold put it into the tier's
 * evidence (a trial added, or a new agent version's evidence begun with it; a revert that turned a
 * success into a failure). The fold marks them as it goes, so the answer cannot disagree with it.
 */
export function verdictsOf(folded: FoldResult, outcomes: readonly FoldOutcome[], ctx: FoldContext): EvidenceVerdict[] {
  const verdicts: EvidenceVerdict[] = new Array(outcomes.length);
  for (let i = 0; i < outcomes.length; i++)
    verdicts[i] = folded.counted[i]
      ? { counted: true }
      : { counted: false, notCounted: whyNot(outcomes[i]!, folded.evidenceSinceBefore[i]!, ctx) };
  return verdicts;
}

/** The verdicts of folding `outcomes` onto `initial` (verdictsOf, when the fold is not at hand). */
export function evidenceVerdicts(
  initial: EvidenceState,
  outcomes: readonly FoldOutcome[],
  ctx: FoldContext,
): EvidenceVerdict[] {
  return verdictsOf(foldEvidence(initial, outcomes, ctx), outcomes, ctx);
}
