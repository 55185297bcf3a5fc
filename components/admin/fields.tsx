// Small form controls for the admin forms: a labelled field with an optional hint under it.
export const inputClass = "rounded border border-slate-300 px-2 py-1 text-sm";

export function Field({
  label,
  hint,
  children,
  className = "",
}: {
  label: string;
  hint?: React.ReactNode;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <div className={`flex flex-col gap-0.5 ${className}`}>
      <label className="flex flex-col gap-0.5 text-sm">
        <span className="text-xs font-medium text-slate-600">{label}</span>
        {children}
      </label>
      {hint && <span className="text-xs text-slate-500">{hint}</span>}
    </div>
  );
}

/** A header cell; a column of buttons gets a name screen readers announce (an empty <th> has none). */
export function Th({ children }: { children?: React.ReactNode }) {
  return <th className="px-3 py-2">{children ?? <span className="sr-only">Actions</span>}</th>;
}

export function TableShell({ children, testId }: { children: React.ReactNode; testId: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid={testId}>
        {children}
      </table>
    </div>
  );
}

export const theadClass = "bg-slate-50 text-left text-xs uppercase text-slate-500";
export const rowClass = "border-t border-slate-100 align-top";
export const cellClass = "px-3 py-2";
