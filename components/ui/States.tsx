export function ErrorNote({ error }: { error: unknown }) {
  return (
    <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      Could not refresh: {error instanceof Error ? error.message : String(error)}. Showing the last data received.
    </p>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="rounded border border-dashed border-slate-300 p-6 text-sm text-slate-600">{children}</p>;
}

export function LiveDot({ fetching }: { fetching: boolean }) {
  return (
    <span className="inline-flex items-center gap-1 text-xs text-slate-500" title="Refreshes every few seconds">
      <span className={`h-2 w-2 rounded-full ${fetching ? "bg-amber-400" : "bg-emerald-500"}`} /> live
    </span>
  );
}

export function Card({
  title,
  children,
  actions,
}: {
  title?: React.ReactNode;
  children: React.ReactNode;
  actions?: React.ReactNode;
}) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4">
      {(title || actions) && (
        <div className="mb-3 flex items-center justify-between gap-2">
          {title && <h2 className="font-semibold">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}
