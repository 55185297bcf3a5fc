"use client";
// The policy editor's fields: numbers, bars typed as percentages, the global settings and each tier's
// bars, with the demotion detector each tier's bars make. Every field edits a copy through `set`.
import { cusumParams, DEFAULT_DEMOTION_ARL } from "@cwr/gating";
import { GATE_METHODS, SEVERITIES, TIERS, type PolicyRules, type Tier } from "@cwr/gating/types";
import { formatCount } from "@cwr/gating/plain-words";
import { DEFAULT_PROPOSAL_EXPIRY_HOURS } from "@cwr/gating/defaults";
import { GateDetails } from "@/components/PlainGate";
import { gateOf } from "@cwr/gating/gates";
import { EVIDENCE_MODES } from "@cwr/gating/evidence-source";
import { PoolFields, type PoolCandidate } from "@/components/PoolFields";

/** Edits a copy of the rules (the editor's state setter). */
export type SetRules = (fn: (r: PolicyRules) => void) => void;

/** Thousands separators on whole numbers of 1,000 or more; small values as they are (α 0.05). */
const formatNumberInWords = (v: number) => (Number.isInteger(v) && Math.abs(v) >= 1000 ? formatCount(v) : String(v));

export const fmt = (v: number | string) =>
  typeof v === "number" ? (Number.isFinite(v) ? formatNumberInWords(Number(v.toPrecision(4))) : "never") : v;

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
        />
        {unit && <span className="text-slate-600">{unit}</span>}
      </span>
    </label>
  );
}

/** The demotion detector the bars make: its alarm level and expected detection delay at q1. */
function DetectorLine({ rules, tier, valid }: { rules: PolicyRules; tier: Tier; valid: boolean }) {
  if (!valid) return null;
  const c = cusumParams(rules, tier);
  if (!Number.isFinite(c.threshold)) return null;
  return (
    <div className="mt-2 text-xs text-slate-700" data-testid={`detector-${tier}`}>
      <p>
        If failures rise to {(100 * c.q1).toFixed(1)}%, it is demoted after {formatCount(c.detectionDelayLower)}–
        {formatCount(c.detectionDelay)} outcomes on average (at most {formatCount(c.detectionDelay)}); at{" "}
        {(100 * (c.comfortable ?? 0)).toFixed(1)}% failures a false alarm comes at most once per {fmt(c.falseAlarmArl)}{" "}
        outcomes on average.
      </p>
      <GateDetails testId={`detector-details-${tier}`}>
        <p>Bernoulli CUSUM on failures; alarm at {c.threshold.toFixed(2)}.</p>
      </GateDetails>
    </div>
  );
}

export /** Bars are rates: people type and read them as percentages, as every other page shows them. */
const toPercent = (fraction: number | undefined) =>
  fraction === undefined ? undefined : Math.round(fraction * 1e6) / 1e4;
const fromPercent = (percent: number) => percent / 100;

/** The core's messages speak in fractions; the fields take percentages, so the messages do too. */
export function inPercent(problem: string): string {
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

type FieldsProps = { rules: PolicyRules; set: SetRules; readOnly: boolean };

/** The gate, its risks, the detector's false-alarm run length, the incident level and the review period. */
export function GlobalFields({ rules, set, readOnly }: FieldsProps) {
  return (
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
          {GATE_METHODS.map((m) => (
            <option key={m} value={m}>
              {gateOf(m).title}
            </option>
          ))}
        </select>
      </label>
      <NumberField
        readOnly={readOnly}
        label="Risk of a false promotion (α)"
        value={rules.alpha}
        step={0.01}
        onChange={(v) => set((r) => void (r.alpha = v))}
      />
      <NumberField
        readOnly={readOnly}
        label="Risk of a false demotion (α)"
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
          disabled={readOnly}
          value={rules.incidentSeverity}
          onChange={(e) =>
            set((r) => void (r.incidentSeverity = SEVERITIES.find((s) => s === e.target.value) ?? r.incidentSeverity))
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
      <NumberField
        readOnly={readOnly}
        label="Proposal expiry (hours)"
        value={rules.proposalExpiryHours ?? DEFAULT_PROPOSAL_EXPIRY_HOURS}
        step={1}
        onChange={(v) => set((r) => void (r.proposalExpiryHours = v))}
      />
    </div>
  );
}

/** Each tier's window, promotion bar and demotion bar, with the detector those bars make. */
export function TierFields({
  rules,
  set,
  readOnly,
  valid,
  candidates = [],
}: FieldsProps & { valid: boolean; candidates?: PoolCandidate[] }) {
  return (
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
                <label className="flex flex-col text-xs">
                  <span className="text-slate-500">Evidence that promotes</span>
                  <select
                    aria-label={`Evidence that promotes out of ${t}`}
                    disabled={readOnly}
                    value={tr.evidence ?? "any"}
                    onChange={(e) =>
                      set(
                        (r) =>
                          void (r.tiers[t].evidence =
                            EVIDENCE_MODES.find((m) => m === e.target.value) ?? r.tiers[t].evidence),
                      )
                    }
                    className="rounded border border-slate-300 px-2 py-1 text-sm"
                  >
                    <option value="any">any outcome</option>
                    <option value="attested">attested only (reporter keys, people)</option>
                  </select>
                </label>
                {gateOf(rules.gate).lookAt(tr.promotion) !== null && (
                  <NumberField
                    readOnly={readOnly}
                    label="One look at (outcomes)"
                    value={tr.promotion.lookAt ?? tr.promotion.minSamples}
                    step={10}
                    onChange={(v) => set((r) => void (r.tiers[t].promotion!.lookAt = v))}
                  />
                )}
                <PoolFields rules={rules} tier={t} set={set} readOnly={readOnly} candidates={candidates} />
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
            {tr.demotion && <DetectorLine rules={rules} tier={t} valid={valid} />}
          </fieldset>
        );
      })}
    </div>
  );
}
