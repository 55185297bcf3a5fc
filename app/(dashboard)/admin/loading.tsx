export default function AdminLoading() {
  return (
    <div role="status" aria-label="Loading" className="space-y-3">
      <div className="h-6 w-48 animate-pulse rounded bg-slate-200" />
      <div className="h-40 animate-pulse rounded-lg border border-slate-200 bg-white" />
      <span className="text-sm text-slate-500">Loading…</span>
    </div>
  );
}
