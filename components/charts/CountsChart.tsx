"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis, Legend } from "recharts";
import type { SeriesPoint } from "@/lib/metrics/series";
import { markerLines, type ChartMarker } from "./markers";

export function CountsChart({ series, markers }: { series: SeriesPoint[]; markers: ChartMarker[] }) {
  return (
    <div data-testid="counts-chart">
      <ResponsiveContainer width="100%" height={180}>
        <BarChart data={series} margin={{ top: 16, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="day" tick={{ fontSize: 10 }} minTickGap={24} />
          <YAxis tick={{ fontSize: 10 }} width={40} allowDecimals={false} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Bar dataKey="successes" stackId="n" fill="#10b981" name="successes" isAnimationActive={false} />
          <Bar dataKey="failures" stackId="n" fill="#f87171" name="failures" isAnimationActive={false} />
          {markerLines(markers, { labels: false })}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
