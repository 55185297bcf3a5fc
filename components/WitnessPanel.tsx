"use client";
// Witnesses of the audit log (issue 24): how many trusted witnesses cosigned the newest published
// checkpoint, and, for admins, which witness keys are trusted and how many must cosign.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { WitnessRow, WitnessStatus } from "@/lib/witnesses/data";
import { addWitnessAction, removeWitnessAction, setWitnessQuorumAction } from "@/lib/admin/actions";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { fetchJson } from "@/components/ui/fetchJson";
import { Field, inputClass } from "@/components/admin/fields";

type Answer = { status: WitnessStatus; witnesses: WitnessRow[] };

export function WitnessBadge({ status }: { status: WitnessStatus }) {
  if (status.size === null) return null;
  const text = `Checkpoint ${Number(status.size).toLocaleString("en-US")} witnessed by ${status.witnessedBy.length} of ${status.trusted}`;
  const tone =
    status.trusted === 0
      ? "bg-slate-100 text-slate-800"
      : status.met
        ? "bg-emerald-100 text-emerald-900"
        : "bg-amber-100 text-amber-950";
  return (
    <span className={`rounded px-2 py-1 text-sm font-semibold ${tone}`} data-testid="witness-badge">
      {text}
      {status.trusted === 0 ? " (no witness trusted yet)" : ` (quorum ${status.quorum})`}
      {status.witnessedBy.length > 0 && `: ${status.witnessedBy.join(", ")}`}
    </span>
  );
}

export function WitnessPanel({ canManage }: { canManage: boolean }) {
  const q = useQuery({
    queryKey: ["audit-witnesses"],
    queryFn: () => fetchJson<Answer>("/api/dashboard/audit/witnesses"),
    refetchInterval: 30_000,
  });
  if (!q.data) return null;
  return (
    <div className="space-y-2">
      <WitnessBadge status={q.data.status} />
      {canManage && <ManageWitnesses witnesses={q.data.witnesses} quorum={q.data.status.quorum} />}
    </div>
  );
}

function ManageWitnesses({ witnesses, quorum }: { witnesses: WitnessRow[]; quorum: number }) {
  const [vkey, setVkey] = useState("");
  const [wanted, setWanted] = useState(String(quorum));
  const add = useServerAction(addWitnessAction, (w) => {
    setVkey("");
    return `Witness ${w.name} is trusted: its cosignatures count from now on.`;
  });
  const remove = useServerAction(removeWitnessAction, () => "Witness removed.");
  const setQuorum = useServerAction(setWitnessQuorumAction, (r) => `Quorum set to ${r.quorum}.`);
  return (
    <details className="rounded border border-slate-200 p-3 text-sm">
      <summary className="cursor-pointer font-medium">Witnesses ({witnesses.length} trusted)</summary>
      <p className="mt-2 text-slate-600">
        A witness, run by an auditor on their own machine (<code>npm run audit:witness</code>), cosigns a checkpoint
        only when it is consistent with the last one it cosigned, so a rewritten or forked history is refused outside
        the operator&apos;s reach.
      </p>
      <ul className="mt-2 space-y-1">
        {witnesses.map((w) => (
          <li key={w.id} className="flex flex-wrap items-center gap-2">
            <span className="font-mono text-xs break-all">{w.name}</span>
            <Button variant="secondary" disabled={remove.pending} onClick={() => remove.run({ witnessId: w.id })}>
              Remove {w.name}
            </Button>
          </li>
        ))}
      </ul>
      <form
        aria-label="Trust a witness"
        className="mt-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          add.run({ vkey });
        }}
      >
        <Field label="Witness key" className="min-w-96 flex-1">
          <input
            value={vkey}
            onChange={(e) => setVkey(e.target.value)}
            placeholder="auditor.example/w1+1a2b3c4d+BB…"
            className={`${inputClass} font-mono text-xs`}
            required
          />
        </Field>
        <Button type="submit" disabled={add.pending}>
          Trust witness
        </Button>
      </form>
      <ResultMessage message={add.message ?? remove.message} />
      <form
        aria-label="Witness quorum"
        className="mt-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setQuorum.run({ quorum: Number(wanted) });
        }}
      >
        <Field label="Cosignatures needed">
          <input
            type="number"
            min={1}
            max={20}
            value={wanted}
            onChange={(e) => setWanted(e.target.value)}
            className={`${inputClass} w-24`}
          />
        </Field>
        <Button type="submit" variant="secondary" disabled={setQuorum.pending}>
          Set quorum
        </Button>
      </form>
      <ResultMessage message={setQuorum.message} />
    </details>
  );
}
