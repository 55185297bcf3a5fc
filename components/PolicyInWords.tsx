// The bars of a policy in words, and what the gate says today: above the numbers of the policy page.
import type { LiveEvidence } from "@/lib/metrics/evidence";
import { TIERS, type PolicyRules } from "@cwr/gating/types";
import { barsInWords } from "@cwr/gating/plain-words";
import { Card } from "@/components/ui/States";
import { GateSentence, gateSentenceOf } from "@/components/PlainGate";
import { TierBadge } from "@/components/TierBadge";

export function PolicyInWords({ rules, live }: { rules: PolicyRules; live: LiveEvidence }) {
  const plain = gateSentenceOf(live);
  return (
    <Card title="In words">
      <div className="mb-3 text-sm" data-testid="policy-now">
        <p className="mb-1 text-slate-600">
          Today it is in <TierBadge tier={live.actionType.tier} frozen={live.actionType.frozen} explain />. The gate
          says:
        </p>
        <GateSentence sentence={plain.sentence} cleared={plain.cleared} />
      </div>
      <ul className="space-y-2 text-sm" data-testid="bars-in-words">
        {TIERS.map((t) => (
          <li key={t} className="flex flex-wrap gap-x-2">
            <span className="shrink-0">
              <TierBadge tier={t} explain />
            </span>
            <span className="text-slate-800">{barsInWords(rules, t).join(" ") || "Nothing to leave by: no bar."}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
