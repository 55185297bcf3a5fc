"use client";
// Grants of review power waiting for a second person (SPEC §3 rule 10). The one who asked, and the
// person it is for, cannot decide it; the form resets after a decision.
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import type { ServerAction } from "@/lib/http/action";
import { RationaleField } from "@/components/ui/RationaleField";
import type { RoleGrantRow } from "@/lib/users/data";

type DecideGrantAction = ServerAction<
  { grantId: string; decision: "approve" | "reject"; rationale: string },
  { status: "approved" | "rejected" }
>;

export function RoleGrants(props: { grants: RoleGrantRow[]; readerId: string; decide: DecideGrantAction }) {
  if (props.grants.length === 0) return null;
  return (
    <section className="mb-6 rounded-lg border border-amber-200 bg-amber-50 p-3" aria-label="Role grants">
      <h2 className="font-medium">Review power waiting for a second person</h2>
      <ul className="mt-2 space-y-3">
        {props.grants.map((g) => (
          <RoleGrantItem key={g.id} grant={g} readerId={props.readerId} decide={props.decide} />
        ))}
      </ul>
    </section>
  );
}

function RoleGrantItem({
  grant,
  readerId,
  decide,
}: {
  grant: RoleGrantRow;
  readerId: string;
  decide: DecideGrantAction;
}) {
  const [rationale, setRationale] = useState("");
  const action = useServerAction(decide, (d) => {
    setRationale("");
    return `Grant ${d.status}.`;
  });
  const mine = grant.requestedById === readerId || grant.userId === readerId;
  return (
    <li className="text-sm" data-testid="role-grant">
      <div>
        <strong>{grant.email}</strong>: {grant.fromRole} → {grant.role}, asked by {grant.requestedBy}
      </div>
      {mine ? (
        <p className="text-xs text-slate-600">
          You asked for this grant or it is for you: another reviewer or admin decides it.
        </p>
      ) : (
        <div className="mt-1 space-y-1">
          <RationaleField label="Why?" value={rationale} onChange={setRationale} />
          <div className="flex gap-1">
            <Button
              disabled={action.pending}
              onClick={() => action.run({ grantId: grant.id, decision: "approve", rationale })}
            >
              Approve {grant.role}
            </Button>
            <Button
              variant="danger"
              disabled={action.pending}
              onClick={() => action.run({ grantId: grant.id, decision: "reject", rationale })}
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
