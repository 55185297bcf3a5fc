// What would demote this action type, in one sentence computed from the detector's own verdict
// (lib/gating/plain-words plainDemotion), with the statistics behind a "Details" toggle.
import type { LiveEvidence } from "@/lib/metrics/evidence";
import { formatCount, plainDemotion } from "@cwr/gating/plain-words";
import { Card } from "@/components/ui/States";
import { GateDetails } from "@/components/PlainGate";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function DemotionWatch({ live }: { live: LiveEvidence }) {
  const d = live.demotion;
  const sentence = plainDemotion({
    rules: live.policy.rules,
    tier: live.actionType.tier,
    cusum: d?.cusum ?? 0,
    threshold: d?.threshold ?? 0,
    samples: d?.samples ?? 0,
    minSamples: d?.minSamples ?? 0,
  });
  if (!sentence) return null;
  return (
    <Card title="What would demote it">
      <p className="text-sm text-slate-800" data-testid="demotion-sentence">
        {sentence}
      </p>
      {d && (
        <GateDetails testId="demotion-details">
          <p>
            Failure CUSUM {d.cusum.toFixed(2)} of {d.threshold.toFixed(2)} over {formatCount(d.samples)} outcomes in the
            window (it acts from {formatCount(d.minSamples)}); tuned to catch a {pct(d.q1)} failure rate in at most{" "}
            {formatCount(d.detectionDelay)} outcomes on average while {pct(d.q0)} failures are acceptable.
          </p>
        </GateDetails>
      )}
    </Card>
  );
}
