"use client";
// The suggestions queue: each waiting suggestion with its summary, parameters and the action type's
// tier and evidence; a person accepts, edits the parameters (JSON) and accepts, or rejects with a reason.
import { useState } from "react";
import type { ServerAction } from "@/lib/http/action";
import type { QueueGroup } from "@/lib/proposals/data";
import type { ProposalView, SuggestionDecision } from "@/lib/proposals/schema";
import { RationaleField } from "@/components/ui/RationaleField";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { Empty } from "@/components/ui/States";
import { TierBadge } from "@/components/TierBadge";

type Decide = ServerAction<{ id: string; decision: SuggestionDecision }, ProposalView>;

export function SuggestionsQueue({ groups, decide }: { groups: QueueGroup[]; decide: Decide }) {
  // What was last decided, said above the queue: the decided suggestion leaves the list as the page
  // refreshes, and its confirmation must not leave with it.
  const [decided, setDecided] = useState<string | null>(null);
  const notice = (
    <p
      role="status"
      data-testid="suggestions-notice"
      className={decided ? "rounded bg-emerald-50 px-3 py-2 text-sm text-emerald-900" : "sr-only"}
    >
      {decided}
    </p>
  );
  if (groups.length === 0)
    return (
      <div className="space-y-3">
        {notice}
        <Empty>No suggestion is waiting.</Empty>
      </div>
    );
  return (
    <div className="space-y-6">
      {notice}
      {groups.map((g) => (
        <section
          key={g.actionTypeId}
          aria-label={`${g.agent} ${g.action}`}
          data-testid="suggestion-group"
          className="rounded-lg border border-slate-200 bg-white p-4"
        >
          <h2 className="flex items-center gap-2 font-medium">
            {g.agentName} · <code className="font-mono">{g.action}</code> <TierBadge tier={g.tier} />
          </h2>
          <p className="text-xs text-slate-600" data-testid="suggestion-evidence">
            Evidence in this tier: {g.evidence}
          </p>
          <ul className="mt-3 space-y-4">
            {g.suggestions.map((s) => (
              <Suggestion key={s.id} suggestion={s} decide={decide} onDecided={setDecided} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function Suggestion({
  suggestion,
  decide,
  onDecided,
}: {
  suggestion: QueueGroup["suggestions"][number];
  decide: Decide;
  onDecided: (said: string) => void;
}) {
  const original = JSON.stringify(suggestion.parameters, null, 2);
  const [text, setText] = useState(original);
  const [reason, setReason] = useState("");
  const [done, setDone] = useState(false);
  const action = useServerAction(decide, (p) => {
    setDone(true);
    onDecided(`Suggestion ${p.status}: ${suggestion.summary}.`);
    return `Suggestion ${p.status}.`;
  });
  const edited = text !== original;
  const accept = () => {
    if (!edited) return action.run({ id: suggestion.id, decision: { type: "accept" } });
    let parameters: unknown;
    try {
      parameters = JSON.parse(text);
    } catch {
      action.setMessage({ kind: "error", text: "The parameters are not valid JSON. Nothing was decided." });
      return;
    }
    action.run({ id: suggestion.id, decision: { type: "edit", parameters: parameters as Record<string, unknown> } });
  };
  return (
    <li data-testid="suggestion" data-id={suggestion.id} className="text-sm">
      <div className="font-medium">{suggestion.summary}</div>
      <div className="text-xs text-slate-600">
        for <code className="font-mono">{suggestion.subject}</code> ({suggestion.audience}) · proposed{" "}
        {new Date(suggestion.createdAt).toLocaleString("en-GB", { timeZone: "UTC" })} UTC · expires{" "}
        {new Date(suggestion.expiresAt).toLocaleString("en-GB", { timeZone: "UTC" })} UTC
      </div>
      {!done && (
        <div className="mt-2 grid gap-2 md:grid-cols-2">
          <label className="block text-xs font-medium">
            Parameters (JSON; edit them to accept something else)
            <textarea
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={Math.min(12, original.split("\n").length + 1)}
              spellCheck={false}
              className="mt-1 w-full rounded border border-slate-300 p-1 font-mono text-xs"
            />
          </label>
          <RationaleField label="Reason to reject" value={reason} onChange={setReason} rows={3} />
          <div className="flex gap-2 md:col-span-2">
            <Button disabled={action.pending} onClick={accept}>
              {edited ? "Accept with edits" : "Accept"}
            </Button>
            <Button
              variant="danger"
              disabled={action.pending}
              onClick={() => action.run({ id: suggestion.id, decision: { type: "reject", reason } })}
            >
              Reject
            </Button>
          </div>
        </div>
      )}
      <ResultMessage message={action.message} />
    </li>
  );
}
