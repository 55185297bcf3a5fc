"use client";
// Edit the bars. Before saving, every changed field says whether it tightens (applies at once) or
// loosens (goes to review), computed by the same pure rule the server applies.
import Link from "next/link";
import { useMemo, useState } from "react";
import { classifyPolicyChange, cusumParams, DEFAULT_DEMOTION_ARL, validatePolicyRules } from "@/lib/gating";
import { GATE_METHODS, SEVERITIES, TIERS, type PolicyRules, type Tier } from "@/lib/gating/types";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import type { ServerAction } from "@/lib/http/action";
import type { PolicyEditFormInput as EditInput } from "@/lib/policies/schema";
import { Card } from "@/components/ui/States";
import { formatCount, policyChangeInWords } from "@/lib/gating/plain-words";
import { GateDetails } from "@/components/PlainGate";

/** Thousands separators on whole numbers of 1,000 or more; small values as they are (α 0.05). */
const formatNumberInWords = (v: number) => (Number.isInteger(v) && Math.abs(v) >= 1000 ? formatCount(v) : String(v));
import { ReplayPanel, type ReplayAction } from "@/components/ReplayPanel";
import { SliderFields } from "@/components/SliderFields";

/** A tightening applies at once as a new version; a loosening opens a request (SPEC §3 rule 9). */
type EditOutcome = { outcome: "applied"; version: number } | { outcome: "review"; requestId: string };
type EditPolicyAction = ServerAction<EditInput, EditOutcome>;

/** The editor of a role that may not save: the button answers as the server would. */
const refuseEdit: EditPolicyAction = async () => ({
  ok: false,
  error: { code: "forbidden", message: "Only admins change bars." },
});

function NumberField({
  label,
  value,
  step,
  onChange,
  unit,
  readOnly,
}: {
  label: string;
  value: number | undefined;
  step: number;
  onChange: (v: number) => void;
  unit?: string;
  readOnly?: boolean;
}) {
  return (
    <label className="flex flex-col text-xs">
      <span className="text-slate-600">{label}</span>
      <span className="flex items-center gap-1">
        <input
          type="number"
          step={step}
          value={value ?? ""}
          disabled={readOnly}
          onChange={(e) => onChange(e.target.value === "" ? Number.NaN : Number(e.target.value))}
          className="w-24 rounded border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-50 disabled:text-slate-800"
          aria-label={label}
        />
        {unit && <span className="text-slate-600">{unit}</span>}
      </span>
    </label>
  );
}

const fmt = (v: number | string) =>
  typeof v === "number" ? (Number.isFinite(v) ? formatNumberInWords(Number(v.toPrecision(4))) : "never") : v;

/** The demotion detector the bars make: its alarm level and expected detection delay at q1. */
function DetectorLine({ rules, tier, valid }: { rules: PolicyRules; tier: Tier; valid: boolean }) {
  if (!valid) return null;
  const c = cusumParams(rules, tier);
  if (!Number.isFinite(c.threshold)) return null;
  return (
    <div className="mt-2 text-xs text-slate-700" data-testid={`detector-${tier}`}>
      <p>
        If failures rise to {(100 * c.q1).toFixed(1)}%, it is demoted after about {formatCount(c.detectionDelay)}{" "}
        outcomes; at {(100 * (c.comfortable ?? 0)).toFixed(1)}% failures a false alarm comes about once per{" "}
        {fmt(c.falseAlarmArl)} outcomes.
      </p>
      <GateDetails testId={`detector-details-${tier}`}>
        <p>Bernoulli CUSUM on failures; alarm at {c.threshold.toFixed(2)}.</p>
      </GateDetails>
    </div>
  );
}

/** Bars are rates: people type and read them as percentages, as every other page shows them. */
const toPercent = (fraction: number | undefined) =>
  fraction === undefined ? undefined : Math.round(fraction * 1e6) / 1e4;
const fromPercent = (percent: number) => percent / 100;

/** The core's messages speak in fractions; the fields take percentages, so the messages do too. */
function inPercent(problem: string): string {
  return problem.replace(
    /(promotion|demotion) threshold must be between 0 and 1 \(exclusive\), got (\S+)/,
    (_m, which: string, got: string) =>
      `${which} bar must be above 0% and below 100%, got ${Number.isFinite(Number(got)) ? `${toPercent(Number(got))}%` : "nothing"}`,
  );
}

function PercentField(props: {
  label: string;
  value: number | undefined;
  onChange: (fraction: number) => void;
  readOnly?: boolean;
}) {
  return (
    <NumberField
      label={props.label}
      value={toPercent(props.value)}
      step={0.5}
      unit="%"
      readOnly={props.readOnly}
      onChange={(v) => props.onChange(fromPercent(v))}
    />
  );
}

export function PolicyEditor({
  actionTypeId,
  actionKey,
  version,
  current,
  save,
  replay,
  readOnly = false,
}: {
  actionTypeId: string;
  actionKey: string;
  version: number;
  current: PolicyRules;
  save?: EditPolicyAction;
  replay?: ReplayAction;
  readOnly?: boolean;
}) {
  const [rules, setRules] = useState<PolicyRules>(() => structuredClone(current));
  const [reason, setReason] = useState("");
  // After a loosening is sent, the form steps aside: the same click must not open a second request.
  const [sent, setSent] = useState<string | null>(null);
  const action = useServerAction(save ?? refuseEdit, (r) => {
    if (r.outcome === "applied") return `Tightening applied at once as policy v${r.version}.`;
    setSent(r.requestId);
    setRules(structuredClone(current));
    setReason("");
    return `Loosening sent for review (request ${r.requestId.slice(0, 8)}).`;
  });
  const diff = useMemo(() => classifyPolicyChange(current, rules), [current, rules]);
  const problems = useMemo(() => validatePolicyRules(rules), [rules]);
  const set = (fn: (r: PolicyRules) => void) =>
    setRules((prev) => {
      const next = structuredClone(prev);
      fn(next);
      return next;
    });
  const invalid = problems.length > 0;
  return (
    <div className="space-y-4">
      <Card title={`Bars of ${actionKey} (policy v${version})`}>
        <div className="mb-3 flex flex-wrap gap-4">
          <label className="flex flex-col text-xs">
            <span className="text-slate-500">Gate</span>
            <select
              aria-label="Gate"
              disabled={readOnly}
              value={rules.gate}
              onChange={(e) => set((r) => void (r.gate = GATE_METHODS.find((g) => g === e.target.value) ?? r.gate))}
              className="rounded border border-slate-300 px-2 py-1 text-sm"
            >
              <option value="eprocess">e-process (anytime-valid)</option>
              <option value="wilson">Wilson (one look)</option>
              <option value="raw">raw rate (no statistical guarantee)</option>
            </select>
          </label>
          <NumberField
            readOnly={readOnly}
            label="α (promotion)"
            value={rules.alpha}
            step={0.01}
            onChange={(v) => set((r) => void (r.alpha = v))}
          />
          <NumberField
            readOnly={readOnly}
            label="α (demotion)"
            value={rules.demotionAlpha}
            step={0.005}
            onChange={(v) => set((r) => void (r.demotionAlpha = v))}
          />
          <NumberField
            readOnly={readOnly}
            label="False-alarm run length (outcomes)"
            value={rules.demotionArl ?? DEFAULT_DEMOTION_ARL}
            step={100000}
            onChange={(v) => set((r) => void (r.demotionArl = v))}
          />
          <label className="flex flex-col text-xs">
            <span className="text-slate-500">Incident that demotes to CRAWL</span>
            <select
              aria-label="Incident severity"
              disabled={readOnly}
              value={rules.incidentSeverity}
              onChange={(e) =>
                set(
                  (r) => void (r.incidentSeverity = SEVERITIES.find((s) => s === e.target.value) ?? r.incidentSeverity),
                )
              }
              className="rounded border border-slate-300 px-2 py-1 text-sm"
            >
              {["low", "medium", "high", "critical"].map((s) => (
                <option key={s} value={s}>
                  {s} or worse
                </option>
              ))}
            </select>
          </label>
          <NumberField
            readOnly={readOnly}
            label="Review period (days)"
            value={rules.reviewPeriodDays}
            step={1}
            onChange={(v) => set((r) => void (r.reviewPeriodDays = v))}
          />
        </div>
        <div className="grid gap-3 md:grid-cols-3">
          {TIERS.map((t) => {
            const tr = rules.tiers[t];
            return (
              <fieldset key={t} className="rounded border border-slate-200 p-2">
                <legend className="px-1 text-sm font-semibold">{t}</legend>
                <NumberField
                  readOnly={readOnly}
                  label="Window (days)"
                  value={tr.windowDays}
                  step={1}
                  onChange={(v) => set((r) => void (r.tiers[t].windowDays = v))}
                />
                {tr.promotion && (
                  <div className="mt-2 grid grid-cols-2 gap-2">
                    <PercentField
                      readOnly={readOnly}
                      label={`Promotion bar (${t}→)`}
                      value={tr.promotion.threshold}
                      onChange={(v) => set((r) => void (r.tiers[t].promotion!.threshold = v))}
                    />
                    <NumberField
                      readOnly={readOnly}
                      label="Min outcomes"
                      value={tr.promotion.minSamples}
                      step={10}
                      onChange={(v) => set((r) => void (r.tiers[t].promotion!.minSamples = v))}
                    />
                    <NumberField
                      readOnly={readOnly}
                      label="Min days in tier"
                      value={tr.promotion.minDaysInTier}
                      step={1}
                      onChange={(v) => set((r) => void (r.tiers[t].promotion!.minDaysInTier = v))}
                    />
                    <NumberField
                      readOnly={readOnly}
                      label="Reviewers"
                      value={tr.promotion.reviewers}
                      step={1}
                      onChange={(v) => set((r) => void (r.tiers[t].promotion!.reviewers = v))}
                    />
                    {rules.gate === "wilson" && (
                      <NumberField
                        readOnly={readOnly}
                        label="One look at (outcomes)"
                        value={tr.promotion.lookAt ?? tr.promotion.minSamples}
                        step={10}
                        onChange={(v) => set((r) => void (r.tiers[t].promotion!.lookAt = v))}
                      />
                    )}
                  </div>
                )}
                {tr.demotion && (
                  <div className="mt-2 grid grid-cols-2 gap-2">
                    <PercentField
                      readOnly={readOnly}
                      label="Demotion bar"
                      value={tr.demotion.threshold}
                      onChange={(v) => set((r) => void (r.tiers[t].demotion!.threshold = v))}
                    />
                    <NumberField
                      readOnly={readOnly}
                      label="Demotion min outcomes"
                      value={tr.demotion.minSamples}
                      step={5}
                      onChange={(v) => set((r) => void (r.tiers[t].demotion!.minSamples = v))}
                    />
                  </div>
                )}
                {tr.demotion && <DetectorLine rules={rules} tier={t} valid={problems.length === 0} />}
              </fieldset>
            );
          })}
        </div>
        <SliderFields rules={rules} set={set} readOnly={readOnly} />
      </Card>
      {readOnly ? (
        <p className="text-sm text-slate-700" data-testid="policy-read-only">
          You are reading the bars of policy v{version}. Only admins change them: a tightening applies at once, a
          loosening becomes a request that reviewers approve.{" "}
          <Link href={`/action-types/${actionTypeId}`} className="underline">
            Back to {actionKey}
          </Link>
        </p>
      ) : sent ? (
        <Card title="Sent for review">
          <p className="text-sm" data-testid="loosening-sent">
            The loosening is now request{" "}
            <Link href={`/requests/${sent}`} className="font-mono text-blue-800 underline">
              {sent.slice(0, 8)}
            </Link>
            . Nothing changes until reviewers approve it; the bars above are still those of policy v{version}.
          </p>
          <ResultMessage message={action.message} />
          <div className="mt-2 flex gap-2 text-sm">
            <Link href={`/requests/${sent}`} className="underline">
              See the request
            </Link>
            <Link href="/requests?status=open" className="underline">
              See requests
            </Link>
            <Button
              variant="secondary"
              onClick={() => {
                setSent(null);
                action.setMessage(null);
              }}
            >
              Propose another change
            </Button>
          </div>
        </Card>
      ) : (
        <Card title="What this change does">
          {invalid ? (
            <p className="text-sm text-slate-700" data-testid="policy-verdict-pending">
              Fix the values marked below first; until they are valid nothing can be applied or sent.
            </p>
          ) : diff.changes.length === 0 ? (
            <p className="text-sm text-slate-600">No changes yet.</p>
          ) : (
            <>
              <p
                className={`mb-2 text-sm font-semibold ${diff.verdict === "loosen" ? "text-amber-800" : "text-emerald-800"}`}
                data-testid="policy-verdict"
              >
                {diff.verdict === "loosen"
                  ? "Loosening: it will be sent for review and changes nothing until approved."
                  : "Tightening: it applies at once as a new policy version."}
              </p>
              <ul className="list-disc pl-5 text-sm" data-testid="policy-changes">
                {diff.changes.map((c) => (
                  <li key={c.path} className={c.direction === "loosen" ? "text-amber-800" : "text-emerald-800"}>
                    <span title={c.path}>{policyChangeInWords(c).text}</span> —{" "}
                    {c.direction === "loosen" ? "loosens (review)" : "tightens (at once)"}
                  </li>
                ))}
              </ul>
              {diff.effects.length > 0 && (
                <ul className="mt-2 list-disc pl-5 text-xs" data-testid="policy-effects">
                  {diff.effects.map((e) => (
                    <li
                      key={`${e.tier}-${e.measure}`}
                      className={e.direction === "loosen" ? "text-amber-800" : "text-emerald-800"}
                    >
                      {e.tier} {e.area}: {e.measure} {fmt(e.from)} → {fmt(e.to)} (
                      {e.direction === "loosen" ? "easier or slower: loosens" : "harder or faster"})
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
          {problems.length > 0 && (
            <ul className="mt-2 list-disc pl-5 text-sm text-red-700" role="alert" data-testid="policy-problems">
              {problems.map((p) => (
                <li key={p}>{inPercent(p)}</li>
              ))}
            </ul>
          )}
          <label className="mt-3 block text-sm font-medium">
            Why change it? (at least 20 characters, kept with the version)
            <textarea
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              rows={2}
              className="mt-1 w-full rounded border border-slate-300 p-2"
            />
          </label>
          <div className="mt-2 flex gap-2">
            <Button
              disabled={action.pending || invalid || diff.changes.length === 0}
              onClick={() => action.run({ actionTypeId, basedOnVersion: version, rules, reason })}
            >
              {/* An invalid edit has no derivable effect, so no verdict either: the button says what to do. */}
              {invalid ? "Fix the values first" : diff.verdict === "loosen" ? "Send for review" : "Apply tightening"}
            </Button>
            <Button variant="secondary" onClick={() => setRules(structuredClone(current))}>
              Reset
            </Button>
            <Link href={`/action-types/${actionTypeId}`} className="px-2 py-1.5 text-sm underline">
              Back
            </Link>
          </div>
          <ResultMessage message={action.message} />
          <div className="mt-3">
            {replay && <ReplayPanel actionTypeId={actionTypeId} rules={rules} disabled={invalid} replay={replay} />}
          </div>
        </Card>
      )}
    </div>
  );
}
