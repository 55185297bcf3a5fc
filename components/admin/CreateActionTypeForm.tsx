"use client";
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { createActionTypeAction } from "@/lib/admin/actions";
import { defaultPolicy } from "@cwr/gating/defaults";
import { formatBar } from "@cwr/gating/format";
import { BLAST_RADII, type BlastRadius } from "@cwr/gating/types";
import { Field, inputClass } from "./fields";

const EMPTY = { key: "", name: "", description: "", blastRadius: "medium" as BlastRadius, reversible: true };

/** The default bars a new action type of this radius starts with, in words. */
function defaultsInWords(radius: BlastRadius): string[] {
  const p = defaultPolicy(radius);
  const crawl = p.tiers.CRAWL.promotion!;
  const walk = p.tiers.WALK.promotion!;
  return [
    `Leaving CRAWL needs ${formatBar(crawl.threshold)} accepted suggestions over at least ${crawl.minSamples} outcomes, ${crawl.minDaysInTier} days in tier and ${crawl.reviewers} reviewer approval${crawl.reviewers === 1 ? "" : "s"}.`,
    `Leaving WALK needs ${formatBar(walk.threshold)} completed actions over at least ${walk.minSamples}, ${walk.minDaysInTier} days in tier and ${walk.reviewers} approval${walk.reviewers === 1 ? "" : "s"}.`,
    `Window ${p.tiers.CRAWL.windowDays} days; an incident of severity ${p.incidentSeverity} or worse demotes straight to CRAWL.`,
  ];
}

export function CreateActionTypeForm({ agentId }: { agentId: string }) {
  const [form, setForm] = useState(EMPTY);
  const create = useServerAction(createActionTypeAction, (data) => {
    setForm(EMPTY);
    return `Action type ${data.key} created in CRAWL with policy v1 (the ${form.blastRadius} default).`;
  });
  const set = (k: "key" | "name" | "description") => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <form
      aria-label="Create action type"
      onSubmit={(e) => {
        e.preventDefault();
        create.run({ agentId, ...form });
      }}
      className="space-y-3"
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Key" hint="e.g. refund.issue — lowercase letters, digits, . _ -">
          <input
            value={form.key}
            onChange={set("key")}
            required
            maxLength={128}
            className={`${inputClass} font-mono`}
          />
        </Field>
        <Field label="Name">
          <input value={form.name} onChange={set("name")} required maxLength={120} className={inputClass} />
        </Field>
      </div>
      <Field label="Description (optional)">
        <textarea
          value={form.description}
          onChange={set("description")}
          rows={2}
          maxLength={2000}
          className={inputClass}
        />
      </Field>
      <div className="flex flex-wrap items-end gap-4">
        <Field label="Blast radius">
          <select
            value={form.blastRadius}
            onChange={(e) => setForm({ ...form, blastRadius: e.target.value as BlastRadius })}
            className={inputClass}
          >
            {BLAST_RADII.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <label className="flex items-center gap-2 pb-1 text-sm">
          <input
            type="checkbox"
            checked={form.reversible}
            onChange={(e) => setForm({ ...form, reversible: e.target.checked })}
          />
          Reversible (its effect can be undone)
        </label>
      </div>
      <div
        className="rounded border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950"
        data-testid="action-type-defaults"
      >
        <p className="font-medium">
          It starts in CRAWL (suggest only) with the default policy for a {form.blastRadius} blast radius:
        </p>
        <ul className="mt-1 list-disc pl-5 text-xs">
          {defaultsInWords(form.blastRadius).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <p className="mt-1 text-xs">Admins can tighten these bars at once later; loosening them goes through review.</p>
      </div>
      <Button type="submit" disabled={create.pending}>
        {create.pending ? "Creating…" : "Create action type"}
      </Button>
      <ResultMessage message={create.message} />
    </form>
  );
}
