"use client";
// WALK's contract of one agent: its internal subjects, the additions waiting for review (each links to
// its review page), and the forms to ask for one (a loosening: reviewed) or remove one (a tightening:
// applies at once).
import Link from "next/link";
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import type { ServerAction } from "@/lib/http/action";
import type { ContractRequestView } from "@/lib/contracts/data";

export interface ContractPanelData {
  agentId: string;
  /** null: the agent has no contract; internal audience is declared by the agent */
  entries: string[] | null;
  open: OpenAddition[];
}

/** An open addition as the list shows it (lib/contracts/data.ts ContractRequestView). */
export type OpenAddition = Pick<
  ContractRequestView,
  "id" | "entry" | "reason" | "requestedByLabel" | "agentSlug" | "reviewersRequired" | "awaitsYou"
>;

type Actions = {
  add: ServerAction<
    { agentId: string; entry: string; reason: string },
    { requestId: string; reviewersRequired: number }
  >;
  remove: ServerAction<{ agentId: string; entry: string }, void>;
};

export function ContractPanel(props: { data: ContractPanelData; actions: Actions }) {
  const { data, actions } = props;
  const [entry, setEntry] = useState("");
  const [reason, setReason] = useState("");
  const add = useServerAction(actions.add, (d) => {
    setEntry("");
    setReason("");
    return `Asked: ${d.reviewersRequired} reviewer${d.reviewersRequired === 1 ? "" : "s"} other than you must approve it before it counts.`;
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
        <div className="mt-2 rounded border border-amber-200 bg-amber-50 p-2" data-testid="contract-pending">
          <h4 className="text-xs font-medium">Waiting for review (a loosening: nothing changes until approved)</h4>
          <ul className="mt-1 space-y-2">
            {data.open.map((r) => (
              <OpenAdditionItem key={r.id} request={r} />
            ))}
          </ul>
        </div>
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

/** Additions waiting for review, across agents: the reviewers' list on the requests page. */
export function ContractRequests(props: { requests: OpenAddition[] }) {
  if (props.requests.length === 0) return null;
  return (
    <section className="mb-6 rounded-lg border border-amber-200 bg-amber-50 p-3" aria-label="Internal subjects">
      <h2 className="font-medium">Internal subjects waiting for review (WALK&apos;s contract)</h2>
      <ul className="mt-2 space-y-2">
        {props.requests.map((r) => (
          <OpenAdditionItem key={r.id} request={r} showAgent />
        ))}
      </ul>
    </section>
  );
}

function OpenAdditionItem(props: { request: OpenAddition; showAgent?: boolean }) {
  const { request } = props;
  return (
    <li className="text-sm" data-testid="contract-request">
      <code className="font-mono">{request.entry}</code>
      {props.showAgent ? ` as internal for ${request.agentSlug},` : ""} asked by {request.requestedByLabel}
      {request.reason ? `: ${request.reason}` : ""}
      <span className="text-slate-600">
        {" "}
        · needs {request.reviewersRequired} approval{request.reviewersRequired === 1 ? "" : "s"}
        {request.awaitsYou ? " · awaits your review" : ""}
      </span>{" "}
      <Link href={`/requests/contract/${request.id}`} className="text-blue-800 hover:underline">
        {request.awaitsYou ? "Review" : "Open the request"}
      </Link>
    </li>
  );
}
