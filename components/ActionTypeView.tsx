"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { ActionTypeDetail } from "@/lib/action-types/detail";
import { fetchJson } from "@/components/ui/fetchJson";
import { Card, ErrorNote, LiveDot, Empty } from "@/components/ui/States";
import { TierBadge } from "@/components/TierBadge";
import { RateChart } from "@/components/charts/RateChart";
import { EvidenceChart } from "@/components/charts/EvidenceChart";
import { CountsChart } from "@/components/charts/CountsChart";
import { markersFrom } from "@/components/charts/markers";
import { RequestPromotion, type OpenRequestAction } from "@/components/RequestPromotion";
import { RequestTable } from "@/components/RequestTable";
import { formatDateTime } from "@/components/format";
import { Since } from "@/components/ServerClock";
import { TierActions, type DemoteAction, type FreezeAction } from "@/components/TierActions";
import { AgentName } from "@/components/Names";
import { GateDetails, gateSentenceOf } from "@/components/PlainGate";
import { DemotionWatch } from "@/components/DemotionWatch";
import { policyChangeInWords } from "@cwr/gating/plain-words";
import { gateOf } from "@cwr/gating/gates";

const CAUSE_STYLE: Record<string, string> = {
  promotion: "text-emerald-800",
  override: "text-purple-800 font-semibold",
  automatic_demotion: "text-red-700",
  manual_demotion: "text-orange-700",
  freeze: "text-sky-800",
  unfreeze: "text-sky-800",
};

export function ActionTypeView(props: {
  initial: ActionTypeDetail;
  canOpen: boolean;
  canOverride: boolean;
  canEditPolicy: boolean;
  /** reviewers and admins: demote and freeze here as on the overview */
  canAct?: boolean;
  open: OpenRequestAction;
  demote?: DemoteAction;
  freeze?: FreezeAction;
}) {
  const q = useQuery({
    queryKey: ["action-type", props.initial.id],
    queryFn: () => fetchJson<ActionTypeDetail>(`/api/dashboard/action-types/${props.initial.id}`),
    initialData: props.initial,
  });
  const d = q.data;
  const tier = d.live.actionType.tier;
  const rules = d.live.policy.rules;
  const markers = markersFrom(d.timeline.filter((t) => t.day >= (d.series[0]?.day ?? "")));
  const gateName = {
    eprocess: "anytime-valid e-process",
    wilson: "Wilson bound (one pre-registered look)",
    raw: "raw rate (no statistical guarantee)",
  }[rules.gate];
  const gateInWords = {
    eprocess: "checked after every outcome",
    wilson: "checked once, at a fixed number of outcomes",
    raw: "the observed rate, with no statistical guarantee",
  }[rules.gate];
  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm text-slate-500">
            <Link href="/" className="hover:underline">
              Overview
            </Link>{" "}
            / <AgentName name={d.agent.name} slug={d.agent.slug} />
          </p>
          <h1 className="text-xl font-semibold" data-testid="action-title">
            {d.name} <span className="font-mono text-base font-normal text-slate-600">{d.key}</span>
          </h1>
          <p className="text-sm text-slate-600">
            blast radius {d.blastRadius}
            {d.reversible ? "" : " · irreversible"} · {d.description}
          </p>
        </div>
        <div className="text-right text-sm">
          <TierBadge tier={tier} frozen={d.live.actionType.frozen} explain />
          <p className="mt-1 text-slate-600">
            for <Since iso={d.live.actionType.tierSince} /> · policy v{d.live.policy.version} · gate {gateInWords}
          </p>
          <p className="text-xs text-slate-500" data-testid="internal-audience">
            {d.internalAudience}
          </p>
          {props.canAct && props.demote && props.freeze && (
            <div className="mt-1 flex justify-end text-left" data-testid="tier-actions">
              <TierActions
                actionTypeId={d.id}
                label={d.key}
                tier={tier}
                frozen={d.live.actionType.frozen}
                stateVersion={d.live.actionType.stateVersion}
                demote={props.demote}
                freeze={props.freeze}
              />
            </div>
          )}
          <LiveDot fetching={q.isFetching} />
        </div>
      </header>
      {q.isError && <ErrorNote error={q.error} />}
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <Card title={`Success rate (${d.rollingDays}-day rolling average) against the bars`}>
            <RateChart
              series={d.series}
              promotion={rules.tiers[tier].promotion?.threshold ?? null}
              demotion={rules.tiers[tier].demotion?.threshold ?? null}
              markers={markers}
              rollingDays={d.rollingDays}
            />
            <GateDetails testId="rate-chart-details">
              <p>
                The shaded band is the evidence&apos;s 95% confidence sequence: anytime-valid, so it stays honest
                however often people look. Dashed lines: the promotion bar (green) and the demotion bar (red) of the
                tier it held on each day, so a period is judged by the bars that applied then.
              </p>
            </GateDetails>
          </Card>
          {rules.tiers[tier].promotion && gateOf(rules.gate).plotsEValue && (
            <Card title="How the promotion evidence of this version grew">
              <EvidenceChart series={d.series} alpha={d.live.evidence.alpha.alpha} markers={markers} />
              <GateDetails testId="evidence-chart-details">
                <p>
                  The line is the e-value of the {gateName} on a log scale; the gate clears where it crosses the dashed
                  line (1/α). {d.live.evidence.alpha.label}.
                </p>
              </GateDetails>
            </Card>
          )}
          {rules.tiers[tier].promotion && !gateOf(rules.gate).plotsEValue && (
            <Card title="Gate evidence">
              <p className="text-sm text-slate-700" data-testid="gate-note">
                {gateOf(rules.gate).caveat ?? gateSentenceOf(d.live).sentence}
              </p>
              {d.live.eligibility.gate && (
                <GateDetails testId="gate-note-details">
                  <p>{d.live.eligibility.gate.label}</p>
                </GateDetails>
              )}
            </Card>
          )}
          <Card title="Outcomes per day">
            <CountsChart series={d.series} markers={markers} />
            <p className="mt-2 text-sm text-slate-700" data-testid="evidence-sources">
              This stay: {d.evidenceBySource.words}.
            </p>
            {d.evidenceBySource.attested && (
              <p className="text-sm text-slate-700" data-testid="evidence-attested">
                {d.evidenceBySource.attested}
              </p>
            )}
          </Card>
        </div>
        <div className="space-y-4">
          <RequestPromotion live={d.live} canOpen={props.canOpen} canOverride={props.canOverride} open={props.open} />
          <DemotionWatch live={d.live} />
          <Card title="Tier timeline">
            {d.timeline.length === 0 ? (
              <Empty>No tier changes yet: it has been in {tier} since it was created.</Empty>
            ) : (
              <ol className="space-y-2 text-sm" data-testid="timeline">
                {d.timeline.map((t) => (
                  <li key={t.id} className="border-l-2 border-slate-200 pl-2">
                    <span className={CAUSE_STYLE[t.cause] ?? ""}>
                      {t.cause === "override" ? "⚠ OVERRIDE" : t.cause.replace("_", " ")}
                    </span>{" "}
                    {t.cause === "freeze" || t.cause === "unfreeze" ? "" : `${t.from} → ${t.to}`}
                    <div className="text-xs text-slate-500">
                      {formatDateTime(t.at)} · {t.actor}
                      {t.requestId ? (
                        <>
                          {" "}
                          ·{" "}
                          <Link className="underline" href={`/requests/${t.requestId}`}>
                            request
                          </Link>
                        </>
                      ) : null}
                    </div>
                    {t.summary ? (
                      <>
                        <div className="text-xs text-slate-800" data-testid="demotion-cause">
                          {t.summary}
                        </div>
                        <GateDetails testId="demotion-cause-details">
                          <p>{t.details}</p>
                        </GateDetails>
                      </>
                    ) : (
                      <div className="text-xs text-slate-700">{t.rationale}</div>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>
      </div>
      <Card
        title="Policy versions"
        actions={
          <Link href={`/action-types/${d.id}/policy`} className="rounded border border-slate-300 px-2 py-1 text-sm">
            {props.canEditPolicy ? "Edit bars" : "View bars"}
          </Link>
        }
      >
        <ol className="space-y-2 text-sm" data-testid="policy-history">
          {d.policies.map((p) => (
            <li key={p.version}>
              <span className="font-semibold">v{p.version}</span>{" "}
              <span className="text-slate-500">
                {formatDateTime(p.createdAt)} · {p.createdBy ?? "system"} · {p.verdict}
              </span>
              <div className="text-xs text-slate-600">{p.reason}</div>
              {p.changes.length > 0 && (
                <ul className="ml-4 list-disc text-xs">
                  {p.changes.map((c) => (
                    <li key={c.path} className={c.direction === "loosen" ? "text-amber-800" : "text-emerald-800"}>
                      <span title={c.path}>{policyChangeInWords(c).text}</span> (
                      {c.direction === "loosen" ? "loosens" : "tightens"})
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      </Card>
      <Card title="Requests">
        {d.requests.length === 0 ? <Empty>No requests yet.</Empty> : <RequestTable rows={d.requests} />}
      </Card>
    </div>
  );
}
