"use client";
// Edit the bars. Before saving, every changed field says whether it tightens (applies at once) or
// loosens (goes to review), computed by the same pure rule the server applies.
import Link from "next/link";
import { useMemo, useState } from "react";
import { classifyPolicyChange, validatePolicyRules } from "@cwr/gating";
import type { PolicyRules } from "@cwr/gating/types";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import type { ServerAction } from "@/lib/http/action";
import type { PolicyEditFormInput as EditInput } from "@/lib/policies/schema";
import { Card } from "@/components/ui/States";
import { ReplayPanel, type ReplayAction } from "@/components/ReplayPanel";
import { SliderFields } from "@/components/SliderFields";
import { GlobalFields, TierFields } from "@/components/PolicyFields";
import { PolicyVerdict } from "@/components/PolicyVerdict";
import type { PoolCandidate } from "@/components/PoolFields";

/** A tightening applies at once as a new version; a loosening opens a request (SPEC §3 rule 9). */
type EditOutcome = { outcome: "applied"; version: number } | { outcome: "review"; requestId: string };
type EditPolicyAction = ServerAction<EditInput, EditOutcome>;

/** The editor of a role that may not save: the button answers as the server would. */
const refuseEdit: EditPolicyAction = async () => ({
  ok: false,
  error: { code: "forbidden", message: "Only admins change bars." },
});

export function PolicyEditor({
  actionTypeId,
  actionKey,
  version,
  current,
  save,
  replay,
  readOnly = false,
  poolCandidates = [],
}: {
  actionTypeId: string;
  actionKey: string;
  version: number;
  current: PolicyRules;
  save?: EditPolicyAction;
  replay?: ReplayAction;
  readOnly?: boolean;
  /** reviewers and admins a tier's reviewer pool may name */
  poolCandidates?: PoolCandidate[];
}) {
  const [rules, setRules] = useState<PolicyRules>(() => structuredClone(current));
  const [reason, setReason] = useState("");
  // After a loosening is sent, the form steps aside: the same click must not open a second request.
  const [sent, setSent] = useState<string | null>(null);
  const action = useServerAction(save ?? refuseEdit, (r) => {
    if (r.outcome === "applied") return `Tightening applied at once as policy v${r.version}.`;
    setSent(r.requestId);
    setRules(structuredClone(current));
    setReason("");
    return `Loosening sent for review (request ${r.requestId.slice(0, 8)}).`;
  });
  const diff = useMemo(() => classifyPolicyChange(current, rules), [current, rules]);
  const problems = useMemo(() => validatePolicyRules(rules), [rules]);
  const set = (fn: (r: PolicyRules) => void) =>
    setRules((prev) => {
      const next = structuredClone(prev);
      fn(next);
      return next;
    });
  const invalid = problems.length > 0;
  return (
    <div className="space-y-4">
      <Card title={`Bars of ${actionKey} (policy v${version})`}>
        <GlobalFields rules={rules} set={set} readOnly={readOnly} />
        <TierFields rules={rules} set={set} readOnly={readOnly} valid={!invalid} candidates={poolCandidates} />
        <SliderFields rules={rules} set={set} readOnly={readOnly} />
      </Card>
      {readOnly ? (
        <p className="text-sm text-slate-700" data-testid="policy-read-only">
          You are reading the bars of policy v{version}. Only admins change them: a tightening applies at once, a
          loosening becomes a request that reviewers approve.{" "}
          <Link href={`/action-types/${actionTypeId}`} className="underline">
            Back to {actionKey}
          </Link>
        </p>
      ) : sent ? (
        <Card title="Sent for review">
          <p className="text-sm" data-testid="loosening-sent">
            The loosening is now request{" "}
            <Link href={`/requests/${sent}`} className="font-mono text-blue-800 underline">
              {sent.slice(0, 8)}
            </Link>
            . Nothing changes until reviewers approve it; the bars above are still those of policy v{version}.
          </p>
          <ResultMessage message={action.message} />
          <div className="mt-2 flex gap-2 text-sm">
            <Link href={`/requests/${sent}`} className="underline">
              See the request
            </Link>
            <Link href="/requests?status=open" className="underline">
              See requests
            </Link>
            <Button
              variant="secondary"
              onClick={() => {
                setSent(null);
                action.setMessage(null);
              }}
            >
              Propose another change
            </Button>
          </div>
        </Card>
      ) : (
        <Card title="What this change does">
          <PolicyVerdict diff={diff} problems={problems} />
          <label className="mt-3 block text-sm font-medium">
            Why change it? (at least 20 characters, kept with the version)
            <textarea
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              rows={2}
              className="mt-1 w-full rounded border border-slate-300 p-2"
            />
          </label>
          <div className="mt-2 flex gap-2">
            <Button
              disabled={action.pending || invalid || diff.changes.length === 0}
              onClick={() => action.run({ actionTypeId, basedOnVersion: version, rules, reason })}
            >
              {/* An invalid edit has no derivable effect, so no verdict either: the button says what to do. */}
              {invalid ? "Fix the values first" : diff.verdict === "loosen" ? "Send for review" : "Apply tightening"}
            </Button>
            <Button variant="secondary" onClick={() => setRules(structuredClone(current))}>
              Reset
            </Button>
            <Link href={`/action-types/${actionTypeId}`} className="px-2 py-1.5 text-sm underline">
              Back
            </Link>
          </div>
          <ResultMessage message={action.message} />
          <div className="mt-3">
            {replay && <ReplayPanel actionTypeId={actionTypeId} rules={rules} disabled={invalid} replay={replay} />}
          </div>
        </Card>
      )}
    </div>
  );
}
