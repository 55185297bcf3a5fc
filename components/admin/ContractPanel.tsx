"use client";
// WALK's contract of one agent: its internal subjects, the additions waiting for a second person, and
// the forms to ask for one (a loosening: reviewed) or remove one (a tightening: applies at once).
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import type { ServerAction } from "@/lib/http/action";
import { RationaleField } from "@/components/ui/RationaleField";

export interface ContractPanelData {
  agentId: string;
  /** null: the agent has no contract; internal audience is declared by the agent */
  entries: string[] | null;
  open: Array<{ id: string; entry: string; reason: string; requestedById: string; requestedByLabel: string }>;
}

type Actions = {
  add: ServerAction<{ agentId: string; entry: string; reason: string }, { requestId: string }>;
  decide: ServerAction<
    { requestId: string; decision: "approve" | "reject"; rationale: string },
    { status: "approved" | "rejected" }
  >;
  remove: ServerAction<{ agentId: string; entry: string }, void>;
};

export function ContractPanel(props: { data: ContractPanelData; readerId: string; actions: Actions }) {
  const { data, actions } = props;
  const [entry, setEntry] = useState("");
  const [reason, setReason] = useState("");
  const add = useServerAction(actions.add, () => {
    setEntry("");
    setReason("");
    return "Asked: another reviewer or admin must approve it before it counts.";
  });
  const remove = useServerAction(actions.remove, () => "Removed: it no longer counts as internal.");
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label="Internal subjects">
      <h3 className="font-medium">Internal subjects (WALK&apos;s contract)</h3>
      {data.entries === null ? (
        <p className="text-sm text-slate-600" data-testid="contract-none">
          No contract: internal audience is declared by the agent. Once an internal subject is approved, WALK acts only
          on the subjects listed here; any other subject is answered as external.
        </p>
      ) : data.entries.length === 0 ? (
        <p className="text-sm text-slate-600">The contract is empty: no subject is internal.</p>
      ) : (
        <ul className="mt-1 space-y-1 text-sm" data-testid="contract-entries">
          {data.entries.map((e) => (
            <li key={e} className="flex items-center gap-2">
              <code className="font-mono">{e}</code>
              <Button
                variant="danger"
                disabled={remove.pending}
                onClick={() => remove.run({ agentId: data.agentId, entry: e })}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <ResultMessage message={remove.message} />
      {data.open.length > 0 && (
        <ul className="mt-2 space-y-2 rounded border border-amber-200 bg-amber-50 p-2">
          {data.open.map((r) => (
            <OpenAddition key={r.id} request={r} readerId={props.readerId} decide={actions.decide} />
          ))}
        </ul>
      )}
      <form
        className="mt-2 space-y-1 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          add.run({ agentId: data.agentId, entry, reason });
        }}
      >
        <label className="block text-xs font-medium">
          Add an internal subject: an exact id (ops-bot-7), a prefix ending in * (staff:*) or an e-mail domain
          (*@acme.example, any case)
          <input
            value={entry}
            onChange={(e) => setEntry(e.target.value)}
            className="mt-1 w-full rounded border border-slate-300 p-1 font-mono"
            maxLength={256}
          />
        </label>
        <label className="block text-xs font-medium">
          Why is it internal?
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            className="mt-1 w-full rounded border border-slate-300 p-1"
            maxLength={2000}
          />
        </label>
        <Button type="submit" disabled={add.pending || entry.trim() === ""}>
          Ask to add (reviewed)
        </Button>
        <ResultMessage message={add.message} />
      </form>
    </section>
  );
}

/** Additions waiting for a second person, across agents: the reviewers' list on the requests page. */
export function ContractRequests(props: {
  requests: Array<ContractPanelData["open"][number] & { agentSlug: string }>;
  readerId: string;
  decide: Actions["decide"];
}) {
  if (props.requests.length === 0) return null;
  return (
    <section className="mb-6 rounded-lg border border-amber-200 bg-amber-50 p-3" aria-label="Internal subjects">
      <h2 className="font-medium">Internal subjects waiting for a second person (WALK&apos;s contract)</h2>
      <ul className="mt-2 space-y-3">
        {props.requests.map((r) => (
          <OpenAddition
            key={r.id}
            request={r}
            agentSlug={r.agentSlug}
            readerId={props.readerId}
            decide={props.decide}
          />
        ))}
      </ul>
    </section>
  );
}

function OpenAddition(props: {
  agentSlug?: string;
  request: ContractPanelData["open"][number];
  readerId: string;
  decide: Actions["decide"];
}) {
  const { request } = props;
  const [rationale, setRationale] = useState("");
  const action = useServerAction(props.decide, (d) => {
    setRationale("");
    return `Addition ${d.status}.`;
  });
  return (
    <li className="text-sm" data-testid="contract-request">
      <div>
        <code className="font-mono">{request.entry}</code>
        {props.agentSlug ? ` as internal for ${props.agentSlug},` : ""} asked by {request.requestedByLabel}
        {request.reason ? `: ${request.reason}` : ""}
      </div>
      {request.requestedById === props.readerId ? (
        <p className="text-xs text-slate-600">You asked for this: another reviewer or admin decides it.</p>
      ) : (
        <div className="mt-1 space-y-1">
          <RationaleField label="Why?" value={rationale} onChange={setRationale} />
          <div className="flex gap-1">
            <Button
              disabled={action.pending}
              onClick={() => action.run({ requestId: request.id, decision: "approve", rationale })}
            >
              Approve
            </Button>
            <Button
              variant="danger"
              disabled={action.pending}
              onClick={() => action.run({ requestId: request.id, decision: "reject", rationale })}
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
