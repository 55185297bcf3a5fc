/** A tiny line of daily success rates with the promotion (green) and demotion (red) bars. */
export function Sparkline({
  values,
  promotion,
  demotion,
}: {
  values: Array<number | null>;
  promotion: number | null;
  demotion: number | null;
}) {
  const w = 112;
  const h = 28;
  const lo = Math.min(0.5, ...values.filter((v): v is number => v !== null), demotion ?? 1);
  const y = (v: number) => h - 2 - ((v - lo) / (1 - lo)) * (h - 4);
  const x = (i: number) => (i / Math.max(1, values.length - 1)) * w;
  const points = values.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean);
  if (points.length === 0) return <span className="text-xs text-slate-600">no outcomes</span>;
  return (
    <svg width={w} height={h} role="img" aria-label="daily success rate, last 14 days">
      {promotion !== null && (
        <line
          x1={0}
          x2={w}
          y1={y(promotion)}
          y2={y(promotion)}
          stroke="#059669"
          strokeDasharray="2 2"
          strokeWidth={1}
        />
      )}
      {demotion !== null && (
        <line x1={0} x2={w} y1={y(demotion)} y2={y(demotion)} stroke="#dc2626" strokeDasharray="2 2" strokeWidth={1} />
      )}
      <polyline points={points.join(" ")} fill="none" stroke="#0f172a" strokeWidth={1.5} />
    </svg>
  );
}
