"use client";
// One action type on the overview: names, tier, time in tier, health, the gate in words, requests,
// last demotion and (for reviewers and admins) the tier actions.
import Link from "next/link";
import type { OverviewRow } from "@/lib/action-types/data";
import { TierBadge } from "@/components/TierBadge";
import { AgentName } from "@/components/Names";
import { GateDetails } from "@/components/PlainGate";
import { Sparkline } from "@/components/Sparkline";
import { TierActions, type DemoteAction, type FreezeAction } from "@/components/TierActions";
import { windowHealthText } from "@/components/format";
import { Since } from "@/components/ServerClock";

/** Unmet conditions other than the bar itself: the sentence says that one in words. */
const others = (r: OverviewRow) => r.unmet.filter((u) => u.code !== "bar_not_cleared");

export function OverviewRowView({
  r,
  act,
}: {
  r: OverviewRow;
  /** the tier actions, for roles that may demote and freeze */
  act: { demote: DemoteAction; freeze: FreezeAction } | null;
}) {
  return (
    <tr
      key={r.id}
      className="border-t border-slate-100 align-top"
      data-testid="overview-row"
      data-action-key={r.key}
      data-tier={r.tier}
    >
      <td className="px-2 py-2">
        <Link
          href={`/action-types/${r.id}`}
          className="font-medium text-blue-800 hover:underline"
          data-testid="action-link"
        >
          {r.name}
        </Link>{" "}
        <span className="font-mono text-xs text-slate-500">{r.key}</span>
        <div className="text-xs text-slate-600">
          <AgentName name={r.agentName} slug={r.agentSlug} /> · {r.blastRadius} blast radius
          {r.reversible ? "" : " · irreversible"}
        </div>
      </td>
      <td className="px-2 py-2">
        <TierBadge tier={r.tier} frozen={r.frozen} />
        <div className="mt-1 text-xs text-slate-600" data-testid="in-tier">
          for <Since iso={r.tierSince} />
        </div>
      </td>
      <td className="px-2 py-2">
        <Sparkline values={r.spark} promotion={r.promotionThreshold} demotion={r.demotionThreshold} />
        <div className="text-xs text-slate-500">{windowHealthText(r.windowRate, r.windowTrials)}</div>
      </td>
      <td className="min-w-56 px-2 py-2 text-xs">
        <div className="max-w-xs space-y-1">
          {r.eligible && (
            <span className="rounded bg-emerald-100 px-1.5 py-0.5 font-semibold text-emerald-900">eligible</span>
          )}
          {r.gateSentence && (
            <p
              className={r.gateCleared ? "text-emerald-900" : "text-slate-700"}
              data-testid="gate-sentence"
              data-cleared={r.gateCleared}
            >
              {r.gateSentence}
            </p>
          )}
          {others(r).length > 0 && (
            <ul className="list-disc pl-4 text-slate-600" data-testid="unmet">
              {others(r).map((u) => (
                <li key={u.code}>{u.message}</li>
              ))}
            </ul>
          )}
          {r.gateLabel && (
            <GateDetails>
              <p>{r.gateLabel}</p>
            </GateDetails>
          )}
        </div>
      </td>
      <td className="px-2 py-2">
        {r.openRequests > 0 ? (
          <Link href={`/requests?action=${r.id}`} className="text-blue-800 underline">
            {r.openRequests} open
          </Link>
        ) : (
          "—"
        )}
      </td>
      <td className="px-2 py-2 text-xs">
        {r.lastDemotion ? (
          <>
            <div>
              <Since iso={r.lastDemotion.at} /> ago
            </div>
            <div>{r.lastDemotion.cause.replace("_", " ")}</div>
          </>
        ) : (
          "—"
        )}
      </td>
      {act && (
        <td className="px-2 py-2">
          <TierActions
            actionTypeId={r.id}
            label={r.key}
            tier={r.tier}
            frozen={r.frozen}
            stateVersion={r.stateVersion}
            demote={act.demote}
            freeze={act.freeze}
          />
        </td>
      )}
    </tr>
  );
}
