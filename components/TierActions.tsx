"use client";
// Freeze, unfreeze and demote from a row: a rationale is required, the result is always shown.
import { useState } from "react";
import { Button, ResultMessage, useServerAction, type ActionResultLike } from "@/components/ui/ActionForm";

type Mode = "freeze" | "unfreeze" | "demote";

export function TierActions(props: {
  actionTypeId: string;
  label: string;
  tier: string;
  frozen: boolean;
  demote: (input: { actionTypeId: string; rationale: string }) => Promise<ActionResultLike>;
  freeze: (input: { actionTypeId: string; frozen: boolean; rationale: string }) => Promise<ActionResultLike>;
}) {
  const [mode, setMode] = useState<Mode | null>(null);
  const [rationale, setRationale] = useState("");
  const demote = useServerAction(props.demote, () => `${props.label} demoted.`);
  const freeze = useServerAction(props.freeze, () => `${props.label} ${props.frozen ? "unfrozen" : "frozen"}.`);
  const current = mode === "demote" ? demote : freeze;
  const submit = () => {
    if (mode === "demote") demote.run({ actionTypeId: props.actionTypeId, rationale });
    else if (mode) freeze.run({ actionTypeId: props.actionTypeId, frozen: mode === "freeze", rationale });
  };
  return (
    // The form opens as a layer over the row, not inside the cell: the table keeps its column widths.
    <div className="relative w-40 text-xs">
      {!mode && (
        <div className="flex gap-1">
          <Button variant="secondary" onClick={() => setMode(props.frozen ? "unfreeze" : "freeze")}>{props.frozen ? "Unfreeze" : "Freeze"}</Button>
          {props.tier !== "CRAWL" && (
            <Button variant="secondary" onClick={() => setMode("demote")}>Demote</Button>
          )}
        </div>
      )}
      {mode && (
        <div className="absolute right-0 top-0 z-20 w-72 space-y-1 rounded-lg border border-slate-300 bg-white p-2 shadow-lg" role="dialog" aria-label={`${mode} ${props.label}`}>
          <label className="block font-medium">
            Why {mode} {props.label}? (at least 20 characters)
            <textarea value={rationale} onChange={(e) => setRationale(e.target.value)} rows={2} className="mt-1 w-full rounded border border-slate-300 p-1" />
          </label>
          <div className="flex gap-1">
            <Button variant={mode === "unfreeze" ? "primary" : "danger"} disabled={current.pending} onClick={submit}>
              {current.pending ? "Saving…" : `Confirm ${mode}`}
            </Button>
            <Button variant="secondary" onClick={() => { setMode(null); setRationale(""); current.setMessage(null); }}>Cancel</Button>
          </div>
        </div>
      )}
      <ResultMessage message={current.message} />
    </div>
  );
}
