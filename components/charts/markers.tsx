import { ReferenceLine } from "recharts";

export interface ChartMarker {
  day: string;
  label: string;
  color: string;
}

const COLORS: Record<string, string> = {
  promotion: "#059669",
  override: "#7c3aed",
  automatic_demotion: "#dc2626",
  manual_demotion: "#ea580c",
  freeze: "#0369a1",
  unfreeze: "#0369a1",
};

export function markersFrom(timeline: Array<{ day: string; cause: string; from: string; to: string }>): ChartMarker[] {
  return timeline.map((t) => ({
    day: t.day,
    color: COLORS[t.cause] ?? "#475569",
    label:
      t.cause === "freeze" || t.cause === "unfreeze"
        ? t.cause
        : `${t.cause === "override" ? "override " : ""}${t.from}→${t.to}`,
  }));
}

/** Vertical lines for tier changes (Recharts needs them as direct children, so this returns an array). */
export function markerLines(
  markers: ChartMarker[],
  { labels = true, lastDay }: { labels?: boolean; lastDay?: string } = {},
) {
  return markers.map((m, i) => (
    <ReferenceLine
      key={`${m.day}-${i}`}
      x={m.day}
      stroke={m.color}
      strokeDasharray="4 2"
      // Labels of a change on the last days go on the line's left so the chart edge does not clip them.
      label={
        labels
          ? {
              value: m.label,
              position: lastDay && m.day >= lastDay ? "insideTopRight" : "insideTopLeft",
              fontSize: 10,
              fill: m.color,
            }
          : undefined
      }
    />
  ));
}
