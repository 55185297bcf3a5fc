"use client";
// Outcome retention (issue 26 item 3): how many whole months of raw outcomes to keep before the
// current one; older months are archived to gzip NDJSON files and removed by the jobs. Empty keeps
// everything. The gates and charts read the stored evidence and the rollups, so they keep working.
import { useState } from "react";
import { setRetentionAction } from "@/lib/admin/actions";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { Field, inputClass } from "@/components/admin/fields";

export function RetentionPanel({ months, archivedBefore }: { months: number | null; archivedBefore: string | null }) {
  const [wanted, setWanted] = useState(months === null ? "" : String(months));
  const [reason, setReason] = useState("");
  const save = useServerAction(setRetentionAction, (r) =>
    r.months === null ? "Every outcome is kept." : `Outcomes are kept for ${r.months} months before this one.`,
  );
  return (
    <section className="mt-8 rounded border border-slate-200 p-3 text-sm">
      <h2 className="font-medium">Outcome retention</h2>
      <p className="mt-1 text-slate-600">
        {archivedBefore
          ? `Outcomes received before ${archivedBefore.slice(0, 10)} are archived; an agent's outcome that occurred before then is refused (it could be one already counted).`
          : "No outcome has been archived."}{" "}
        Older months are written to compressed files, then removed (each month&apos;s partition dropped whole); tiers,
        gates and charts are unaffected.
      </p>
      <form
        aria-label="Outcome retention"
        className="mt-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.run({ months: wanted.trim() === "" ? null : Number(wanted), reason });
        }}
      >
        <Field label="Months kept (empty: all)">
          <input
            type="number"
            min={1}
            max={120}
            value={wanted}
            onChange={(e) => setWanted(e.target.value)}
            className={inputClass}
          />
        </Field>
        <Field label="Reason" className="min-w-80 flex-1">
          <input value={reason} onChange={(e) => setReason(e.target.value)} className={inputClass} required />
        </Field>
        <Button type="submit" disabled={save.pending}>
          Save retention
        </Button>
      </form>
      <ResultMessage message={save.message} />
    </section>
  );
}
