"use client";
// The what-if replay as a small timeline: the tier under the proposed policy against the tier under the
// current policy (folded the same way over the same outcomes), day by day, with the sentence that says
// the same in words.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { replaySentence, type ReplayPoint, type ReplaySummary } from "@/lib/replay/sentence";
import { DAY_MS, TIERS, type Tier } from "@cwr/gating/types";

function tierAt(changes: ReplayPoint[], t: number): number {
  let tier: Tier = "CRAWL";
  for (const c of changes) if (Date.parse(c.at) <= t) tier = c.to;
  return TIERS.indexOf(tier);
}

export function replaySeries(s: ReplaySummary) {
  const start = Date.parse(s.createdAt.slice(0, 10));
  const end = Date.parse(s.now);
  const step = Math.max(DAY_MS, Math.ceil((end - start) / 120 / DAY_MS) * DAY_MS);
  const rows = [];
  for (let t = start; t <= end + step - 1; t += step) {
    const at = Math.min(t + DAY_MS - 1, end);
    rows.push({
      day: new Date(at).toISOString().slice(0, 10),
      proposed: tierAt(s.proposed.changes, at),
      current: tierAt(s.current.changes, at),
    });
  }
  return rows;
}

export function ReplayChart({ summary, title = "What-if replay" }: { summary: ReplaySummary; title?: string }) {
  const data = replaySeries(summary);
  return (
    <section
      className="rounded border border-slate-200 bg-white p-3"
      aria-label={title}
      data-testid="replay"
      data-proposed-tier={summary.proposed.tier}
      data-current-tier={summary.current.tier}
      data-series={JSON.stringify(data.map(({ proposed, current }) => ({ proposed, current })))}
    >
      <h3 className="text-sm font-semibold">{title}</h3>
      <p className="mt-1 text-sm text-slate-700" data-testid="replay-sentence">
        {replaySentence(summary)}
      </p>
      <div data-testid="replay-chart">
        <ResponsiveContainer width="100%" height={160}>
          <LineChart data={data} margin={{ top: 12, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis dataKey="day" tick={{ fontSize: 10 }} minTickGap={24} />
            <YAxis
              domain={[0, 2]}
              ticks={[0, 1, 2]}
              tickFormatter={(v: number) => TIERS[v] ?? ""}
              tick={{ fontSize: 10 }}
              width={48}
            />
            <Tooltip formatter={(v) => TIERS[Number(v)] ?? String(v)} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Line
              type="stepAfter"
              dataKey="current"
              name={`under the current policy v${summary.current.version}`}
              stroke="#64748b"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              type="stepAfter"
              dataKey="proposed"
              name="under the proposed policy"
              stroke="#d97706"
              strokeDasharray="5 3"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}
