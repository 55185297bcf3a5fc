"use client";
// The policy editor's slider fields: RUN's percentage, or a ramp schedule of steps with a minimum
// time per step. Raising any step is a loosening (review), lowering applies at once (policy-diff).
import { useState } from "react";
import type { PolicyRules } from "@cwr/gating/types";

export function SliderFields({
  rules,
  set,
  readOnly,
}: {
  rules: PolicyRules;
  set: (fn: (r: PolicyRules) => void) => void;
  readOnly?: boolean;
}) {
  const slider = rules.slider ?? { percent: 100 };
  const [stepsText, setStepsText] = useState(slider.steps?.join(", ") ?? "");
  const input = "w-24 rounded border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-50";
  return (
    <fieldset className="mt-3 rounded border border-slate-200 p-2" data-testid="slider-fields">
      <legend className="px-1 text-sm font-semibold">RUN: autonomy slider</legend>
      <div className="flex flex-wrap gap-4">
        <label className="flex flex-col text-xs">
          <span className="text-slate-600">Share of external subjects (%)</span>
          <input
            type="number"
            min={0}
            max={100}
            step={1}
            disabled={readOnly}
            className={input}
            value={slider.percent}
            onChange={(e) =>
              set(
                (r) =>
                  void (r.slider = {
                    ...(r.slider ?? { percent: 100 }),
                    percent: e.target.value === "" ? Number.NaN : Number(e.target.value),
                  }),
              )
            }
          />
        </label>
        <label className="flex flex-col text-xs">
          <span className="text-slate-600">Ramp steps (%, e.g. 5, 25, 100; empty for none)</span>
          <input
            type="text"
            disabled={readOnly}
            className="w-48 rounded border border-slate-300 px-2 py-1 text-sm"
            value={stepsText}
            onChange={(e) => {
              setStepsText(e.target.value);
              const steps = e.target.value
                .split(",")
                .map((x) => x.trim())
                .filter(Boolean)
                .map(Number);
              set((r) => {
                const { steps: _old, ...rest } = r.slider ?? { percent: 100 };
                void _old;
                r.slider = steps.length ? { ...rest, steps } : rest;
              });
            }}
          />
        </label>
        <label className="flex flex-col text-xs">
          <span className="text-slate-600">Min days per step</span>
          <input
            type="number"
            min={0}
            step={1}
            aria-label="Min days per step"
            disabled={readOnly}
            className={input}
            value={slider.minDaysPerStep ?? 0}
            onChange={(e) =>
              set(
                (r) => void (r.slider = { ...(r.slider ?? { percent: 100 }), minDaysPerStep: Number(e.target.value) }),
              )
            }
          />
        </label>
      </div>
      <p className="mt-1 text-xs text-slate-600">
        Subjects outside the slider get WALK&apos;s answer; without a subject RUN answers as WALK while the slider is
        below 100%. A schedule advances only while the RUN bar holds on the subjects already ramped.
      </p>
    </fieldset>
  );
}
