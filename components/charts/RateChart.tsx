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
  // Each day is drawn against the bars of the tier it held then; without that history, today's bars.
  const historic = series.some((p) => p.heldTier !== null);
  const data = series.map((p) => ({
    day: p.day,
    rate: p.rate,
    band: p.lower !== null && p.upper !== null ? [p.lower, p.upper] : null,
    promotionBar: p.promotionBar,
    demotionBar: p.demotionBar,
  }));
  const lows = series.flatMap((p) => (p.lower === null ? [] : [p.lower]));
  const bars = historic
    ? series.flatMap((p) => [p.promotionBar, p.demotionBar].filter((x): x is number => x !== null))
    : [demotion ?? 1];
  const floor = Math.max(0, Math.floor(Math.min(0.5, ...bars, ...lows) * 10) / 10);
  const nowPromotion = historic ? (series.at(-1)?.promotionBar ?? null) : promotion;
  const nowDemotion = historic ? (series.at(-1)?.demotionBar ?? null) : demotion;
  const then = historic ? " of the tier held then" : "";
  // A legend entry only for a bar the chart draws somewhere.
  const drawsPromotion = historic ? series.some((p) => p.promotionBar !== null) : promotion !== null;
  const drawsDemotion = historic ? series.some((p) => p.demotionBar !== null) : demotion !== null;
  return (
    <div data-testid="rate-chart">
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={data} margin={{ top: 16, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="day" tick={{ fontSize: 10 }} minTickGap={24} />
          <YAxis domain={[floor, 1]} tickFormatter={pct} tick={{ fontSize: 10 }} width={40} />
          <Tooltip
            formatter={(v) => (Array.isArray(v) ? v.map((x) => pct(Number(x))).join(" – ") : pct(Number(v)))}
            // Dark text for every entry: the band's own colour (light blue) is unreadable on white.
            itemStyle={{ color: "#0f172a" }}
          />
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
          {historic ? (
            <>
              <Line
                type="stepAfter"
                dataKey="promotionBar"
                stroke="#059669"
                strokeDasharray="6 3"
                strokeWidth={1.5}
                dot={false}
                name="promotion bar of the tier held then"
                className="promotion-bar-line"
                isAnimationActive={false}
              />
              <Line
                type="stepAfter"
                dataKey="demotionBar"
                stroke="#dc2626"
                strokeDasharray="6 3"
                strokeWidth={1.5}
                dot={false}
                name="demotion bar of the tier held then"
                className="demotion-bar-line"
                isAnimationActive={false}
              />
            </>
          ) : (
            <>
              {promotion !== null && <ReferenceLine y={promotion} stroke="#059669" strokeDasharray="6 3" />}
              {demotion !== null && <ReferenceLine y={demotion} stroke="#dc2626" strokeDasharray="6 3" />}
            </>
          )}
          {markerLines(markers, { lastDay: series[Math.max(0, series.length - 8)]?.day })}
        </ComposedChart>
      </ResponsiveContainer>
      <p className="mt-1 flex flex-wrap gap-x-4 text-xs" data-testid="rate-chart-bars">
        {drawsPromotion && (
          <span className="text-emerald-800">
            – – promotion bar{then}
            {nowPromotion !== null ? ` (now ${pct(nowPromotion)})` : ""}
          </span>
        )}
        {drawsDemotion && (
          <span className="text-red-700">
            – – demotion bar{then}
            {nowDemotion !== null ? ` (now ${pct(nowDemotion)})` : ""}
          </span>
        )}
      </p>
    </div>
  );
}
