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

/**
 * Vertical lines for tier changes (Recharts needs them as direct children, so this returns an array). Their labels
 * sit above the plot, in the chart's top margin, so they never cross the data drawn near 100%.
 */
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
      // Labels of a change on the last days end at the line so the chart edge does not clip them.
      label={
        labels
          ? ({ viewBox }: { viewBox?: { x?: number; y?: number } }) => {
              const end = lastDay !== undefined && m.day >= lastDay;
              return (
                <text
                  className="recharts-label"
                  x={(viewBox?.x ?? 0) + (end ? -3 : 3)}
                  y={(viewBox?.y ?? 0) - 4}
                  textAnchor={end ? "end" : "start"}
                  fontSize={10}
                  fill={m.color}
                >
                  {m.label}
                </text>
              );
            }
          : undefined
      }
    />
  ));
}
