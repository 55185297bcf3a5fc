"use client";
// The policy editor's replay before saving: the bars as edited, replayed over the recorded outcomes.
import { useState } from "react";
import type { PolicyRules } from "@cwr/gating/types";
import type { ReplaySummary } from "@/lib/replay/sentence";
import type { ServerAction } from "@/lib/http/action";
import { Button } from "@/components/ui/ActionForm";
import { ReplayChart } from "./ReplayChart";

/** The replay server action, passed down by the page (components import nothing from app/). */
export type ReplayAction = ServerAction<{ actionTypeId: string; rules: unknown }, ReplaySummary>;

export function ReplayPanel({
  actionTypeId,
  rules,
  disabled,
  replay,
}: {
  actionTypeId: string;
  rules: PolicyRules;
  disabled?: boolean;
  replay: ReplayAction;
}) {
  const [summary, setSummary] = useState<ReplaySummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const run = async () => {
    setPending(true);
    setError(null);
    const r = await replay({ actionTypeId, rules });
    setPending(false);
    if (r.ok) setSummary(r.data);
    else setError(r.error.message);
  };
  return (
    <div className="space-y-2" data-testid="replay-panel">
      <Button variant="secondary" disabled={disabled || pending} onClick={run}>
        {pending ? "Replaying…" : "Replay these bars over the recorded outcomes"}
      </Button>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
      {summary && <ReplayChart summary={summary} title="What these bars would have done" />}
    </div>
  );
}
