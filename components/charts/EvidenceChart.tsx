"use client";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SeriesPoint } from "@/lib/metrics/series";
import { formatEValue } from "@cwr/gating/format";
import { markerLines, type ChartMarker } from "./markers";

const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** A y tick (log10 of the e-value) on one short line: 1, 10, 100, 1,000, then 10⁴, 10¹², 10⁻² (width 44 px). */
export function powerOfTen(log10: number): string {
  const n = Math.round(log10);
  if (n >= 0 && n <= 3) return (10 ** n).toLocaleString("en-US");
  const digits = [...String(Math.abs(n))].map((d) => SUPERSCRIPT[Number(d)]).join("");
  return `10${n < 0 ? "⁻" : ""}${digits}`;
}

/** log10 of the e-value against log10(1/α): the bar is cleared where the line crosses the threshold. */
export function EvidenceChart({
  series,
  alpha,
  markers,
}: {
  series: SeriesPoint[];
  alpha: number;
  markers: ChartMarker[];
}) {
  const threshold = Math.log10(1 / alpha);
  const data = series.map((p) => ({
    day: p.day,
    evidence: p.log10E === null ? null : Math.max(-4, Math.min(12, p.log10E)),
  }));
  // Right after a tier change (or a new agent version) the evidence restarts: say so, not a blank chart.
  // A line needs two days in the tier; with fewer there is nothing to draw.
  if (data.filter((d) => d.evidence !== null).length < 2) {
    return (
      <div
        data-testid="evidence-chart"
        className="flex h-[200px] items-center justify-center rounded border border-dashed border-slate-300 bg-slate-50 px-6 text-center text-sm text-slate-700"
      >
        <p data-testid="evidence-chart-empty">
          No promotion evidence in this tier yet. It starts again at every tier change or new agent version, and the
          line appears with the first outcome counted.
        </p>
      </div>
    );
  }
  return (
    <div data-testid="evidence-chart">
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={data} margin={{ top: 16, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="day" tick={{ fontSize: 10 }} minTickGap={24} />
          <YAxis
            tick={{ fontSize: 10 }}
            width={44}
            allowDecimals={false}
            tickFormatter={(v) => powerOfTen(Number(v))}
          />
          <Tooltip formatter={(v) => `e-value ${formatEValue(10 ** Number(v))}`} />
          <Line
            type="stepAfter"
            dataKey="evidence"
            stroke="#7c3aed"
            strokeWidth={2}
            dot={false}
            name="e-value (log scale)"
            isAnimationActive={false}
          />
          <ReferenceLine y={threshold} stroke="#059669" strokeDasharray="6 3" />
          {markerLines(markers, { labels: false })}
        </LineChart>
      </ResponsiveContainer>
      {/* The bar's words under the chart, not on it: a label in the plot crosses the line wherever it runs. The
          level (1/α) is in the card's Details. */}
      <p className="mt-1 text-xs text-emerald-800" data-testid="evidence-chart-bar">
        – – the gate clears above this line
      </p>
    </div>
  );
}
