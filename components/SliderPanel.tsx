// RUN's autonomy slider on the action type page: the share of external subjects the agent acts on,
// the ramp schedule with its current step, each step's own outcomes and the α its test ran at, and the
// current step's evidence in words.
import type { SliderPanelData } from "@/lib/action-types/slider-panel";
import { formatRampAlpha } from "@cwr/gating/ramp";

export function SliderPanel({ data }: { data: SliderPanelData }) {
  return (
    <section
      className="rounded border border-slate-200 bg-white p-3"
      aria-label="Autonomy slider"
      data-testid="slider-panel"
    >
      <h2 className="text-sm font-semibold">Autonomy slider inside RUN</h2>
      <div className="mt-2 flex items-center gap-3">
        <div
          className="h-2 w-48 overflow-hidden rounded bg-slate-200"
          role="meter"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={data.percent}
          aria-label="Share of external subjects"
        >
          <div className="h-full bg-emerald-600" style={{ width: `${data.percent}%` }} />
        </div>
        <span className="text-sm" data-testid="slider-percent">
          {data.percent}% of external subjects
        </span>
      </div>
      {data.steps && (
        <ol className="mt-2 flex flex-wrap gap-2 text-xs" aria-label="Ramp schedule">
          {data.steps.map((p, i) => (
            <li
              key={`${i}-${p}`}
              className={`rounded px-2 py-0.5 ${i === data.rampStep ? "bg-emerald-100 font-semibold text-emerald-900" : "bg-slate-100 text-slate-700"}`}
              aria-current={i === data.rampStep ? "step" : undefined}
            >
              {p}%
            </li>
          ))}
          <li className="text-slate-600">at least {data.minDaysPerStep} days per step</li>
        </ol>
      )}
      <p className="mt-2 text-sm text-slate-700" data-testid="slider-evidence">
        {data.evidence.words}
      </p>
      {data.perStep.length > 0 && (
        <table className="mt-2 text-xs" aria-label="Outcomes per step">
          <thead>
            <tr className="text-left text-slate-600">
              <th className="pr-4">Step</th>
              <th className="pr-4">From</th>
              <th className="pr-4">Until</th>
              <th className="pr-4">Successes / outcomes</th>
              <th title="Each step test of a stay in RUN runs at α·2^−j (j = 1, 2, …): together at most α">
                α of its test
              </th>
            </tr>
          </thead>
          <tbody>
            {data.perStep.map((s) => (
              <tr key={s.from}>
                <td className="pr-4">{s.percent}%</td>
                <td className="pr-4">{minute(s.from)}</td>
                <td className="pr-4">{s.to ? minute(s.to) : "now"}</td>
                <td className="pr-4">
                  {s.successes.toLocaleString("en-US")} / {s.outcomes.toLocaleString("en-US")}
                </td>
                <td>{s.alpha === null ? "—" : formatRampAlpha(s.alpha)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A step begins at an exact moment, not a day: shown to the minute (UTC). */
const minute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
