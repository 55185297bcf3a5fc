"use client";
// The one rationale textarea (SPEC §3 rule 3): its label says how far the text is from being words,
// by the same rule the server applies (lib/gating/rationale.ts).
import { MIN_RATIONALE_LENGTH, rationaleProgress } from "@cwr/gating/rationale";

export function RationaleField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
}) {
  return (
    <label className="block text-xs font-medium">
      {props.label} (at least {MIN_RATIONALE_LENGTH} characters; {rationaleProgress(props.value)})
      <textarea
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        rows={props.rows ?? 2}
        className="mt-1 w-full rounded border border-slate-300 p-1"
      />
    </label>
  );
}
