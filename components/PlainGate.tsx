// What the gate says, in one sentence computed by lib/gating/plain-words (never a template beside the
// gate), the conditions still unmet in words, and the statistics behind a "Details" toggle.
import type { ReactNode } from "react";
import type { LiveEvidence } from "@/lib/metrics/evidence";
import { plainGate } from "@cwr/gating/plain-words";

/** The sentence for a live or pinned evidence; the gate's own label if the two could ever disagree. */
export function gateSentenceOf(e: LiveEvidence): { sentence: string; cleared: boolean } {
  const p = plainGate({
    rules: e.policy.rules,
    tier: e.actionType.tier,
    evidence: { successes: e.evidence.successes, trials: e.evidence.trials },
    window: { successes: e.window.successes, trials: e.window.trials },
    restarts: e.evidence.restarts ?? 0,
    look: e.evidence.look ?? null,
    dailyVolume: e.dailyVolume ?? null,
  });
  const gate = e.eligibility.gate;
  // A snapshot pinned by an older release may have been decided by other rules: its own label wins.
  if (gate && gate.cleared !== p.cleared)
    return { sentence: `The gate at the time: ${gate.label}.`, cleared: gate.cleared };
  return { sentence: p.sentence, cleared: p.cleared };
}

export function GateSentence({ sentence, cleared }: { sentence: string; cleared: boolean }) {
  return (
    <p
      className={`text-sm ${cleared ? "text-emerald-900" : "text-slate-800"}`}
      data-testid="gate-sentence"
      data-cleared={cleared}
    >
      {sentence}
    </p>
  );
}

/** The statistics, folded away: plain words come first. */
export function GateDetails({ children, testId = "gate-details" }: { children: ReactNode; testId?: string }) {
  return (
    <details className="mt-1 text-xs text-slate-700" data-testid={testId}>
      <summary className="cursor-pointer select-none text-slate-700 underline decoration-dotted">
        Details (statistics)
      </summary>
      <div className="mt-1 space-y-0.5">{children}</div>
    </details>
  );
}
