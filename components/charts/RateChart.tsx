"use client";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { SeriesPoint } from "@/lib/metrics/series";
import { markerLines, type ChartMarker } from "./markers";

const pct = (v: number) => `${Math.round(v * 100)}%`;

export function RateChart({
  series,
  promotion,
  demotion,
  markers,
  rollingDays,
}: {
  series: SeriesPoint[];
  promotion: number | null;
  demotion: number | null;
  markers: ChartMarker[];
  rollingDays: number;
}) {
  const data = series.map((p) => ({
    day: p.day,
    rate: p.rate,
    band: p.lower !== null && p.upper !== null ? [p.lower, p.upper] : null,
  }));
  const lows = series.flatMap((p) => (p.lower === null ? [] : [p.lower]));
  const floor = Math.max(0, Math.floor(Math.min(0.5, demotion ?? 1, ...lows) * 10) / 10);
  return (
    <div data-testid="rate-chart">
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={data} margin={{ top: 16, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="day" tick={{ fontSize: 10 }} minTickGap={24} />
          <YAxis domain={[floor, 1]} tickFormatter={pct} tick={{ fontSize: 10 }} width={40} />
          <Tooltip formatter={(v) => (Array.isArray(v) ? v.map((x) => pct(Number(x))).join(" – ") : pct(Number(v)))} />
          <Area
            type="monotone"
            dataKey="band"
            stroke="none"
            fill="#93c5fd"
            fillOpacity={0.45}
            name="95% confidence sequence of the evidence"
            connectNulls
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="rate"
            stroke="#1e3a8a"
            strokeWidth={2}
            dot={false}
            name={`${rollingDays}-day success rate`}
            connectNulls
            isAnimationActive={false}
          />
          {promotion !== null && (
            <ReferenceLine
              y={promotion}
              stroke="#059669"
              strokeDasharray="6 3"
              label={{
                value: `promotion bar ${pct(promotion)}`,
                position: "insideBottomRight",
                fontSize: 10,
                fill: "#059669",
              }}
            />
          )}
          {demotion !== null && (
            <ReferenceLine
              y={demotion}
              stroke="#dc2626"
              strokeDasharray="6 3"
              label={{
                value: `demotion bar ${pct(demotion)}`,
                position: "insideBottomRight",
                fontSize: 10,
                fill: "#dc2626",
              }}
            />
          )}
          {markerLines(markers, { lastDay: series[Math.max(0, series.length - 8)]?.day })}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
