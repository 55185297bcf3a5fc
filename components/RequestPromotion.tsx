"use client";
// "Request promotion" with a preview of the snapshot that will be pinned; admins may open an override.
import Link from "next/link";
import { useState } from "react";
import type { LiveEvidence } from "@/lib/metrics/evidence";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import type { ServerAction } from "@/lib/http/action";
import { Card } from "@/components/ui/States";
import { GateDetails, GateSentence, gateSentenceOf } from "@/components/PlainGate";
import { tierMeaning } from "@/components/TierBadge";
import { formatCount } from "@cwr/gating/plain-words";
import { ordinal } from "@cwr/gating/alpha-spending";
import { tierAbove } from "@cwr/gating/outcomes";
import type { OpenRequestInput as OpenInput } from "@/lib/requests/schema";
import { gateOf } from "@cwr/gating/gates";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** What the form reads of the opened request (the page's action must return at least this). */
export type OpenRequestAction = ServerAction<OpenInput, { id: string; reviewersRequired: number }>;

export function RequestPromotion({
  live,
  canOpen,
  canOverride,
  open,
}: {
  live: LiveEvidence;
  canOpen: boolean;
  canOverride: boolean;
  open: OpenRequestAction;
}) {
  const [justification, setJustification] = useState("");
  const [note, setNote] = useState("");
  const [opened, setOpened] = useState<string | null>(null);
  const promo = useServerAction(open, (r) => {
    setOpened(r.id);
    setNote("");
    return `Request opened; it needs ${r.reviewersRequired} approval(s).`;
  });
  const next = tierAbove(live.actionType.tier);
  const e = live.eligibility;
  if (!next) return <Card title="Promotion">RUN is the top tier.</Card>;
  const plain = gateSentenceOf(live);
  return (
    <Card title={`Promotion to ${next}`}>
      <p className="mb-1 text-xs text-slate-600" data-testid="next-tier-meaning">
        In {next} the agent {tierMeaning(next)}.
      </p>
      <GateSentence sentence={plain.sentence} cleared={plain.cleared} />
      {live.evidence.restarts > 0 && (
        <p className="mt-1 text-xs text-slate-700" data-testid="restart-note">
          This is the {ordinal(live.evidence.restarts + 1)} agent version in this tier: the evidence started again with
          it, and each new version is held to a stricter test so that trying again cannot fish for a promotion.
        </p>
      )}
      <GateDetails>
        <p className="text-slate-600">
          A request pins this snapshot (policy v{live.policy.version}, evidence as of now); reviewers judge it and see
          live metrics beside it.
        </p>
        <dl className="my-1 grid grid-cols-2 gap-x-4 gap-y-1" data-testid="snapshot-preview">
          <dt className="text-slate-500">Gate ({gateOf(live.policy.rules.gate).label})</dt>
          <dd>{e.gate?.label ?? "—"}</dd>
          <dt className="text-slate-500">Evidence since {live.evidence.since.slice(0, 10)}</dt>
          <dd>
            {formatCount(live.evidence.successes)} of {formatCount(live.evidence.trials)} good
            {live.evidence.trials > 0 && (
              <>
                {" "}
                · 95% confidence sequence {pct(live.evidence.interval.lower)}–{pct(live.evidence.interval.upper)}{" "}
                (anytime-valid)
              </>
            )}
          </dd>
          <dt className="text-slate-500">α spent</dt>
          <dd data-testid="alpha-spent">{live.evidence.alpha.label}</dd>
          <dt className="text-slate-500">Window ({live.window.days} days)</dt>
          <dd>
            {live.window.trials === 0
              ? "no outcomes yet"
              : `${pct(live.window.rate)} of ${formatCount(live.window.trials)} (fixed-sample Wilson ${pct(live.window.wilson.lower)}–${pct(live.window.wilson.upper)}, not valid when watched)`}
          </dd>
          {live.demotion && (
            <>
              <dt className="text-slate-500">Demotion detector</dt>
              <dd>
                CUSUM {live.demotion.cusum.toFixed(2)} of {live.demotion.threshold.toFixed(2)} · at most{" "}
                {formatCount(live.demotion.detectionDelay)} outcomes on average to catch {pct(live.demotion.q1)}{" "}
                failures
              </dd>
            </>
          )}
        </dl>
      </GateDetails>
      {e.eligible ? (
        <p className="my-2 rounded bg-emerald-50 px-2 py-1 text-sm text-emerald-900">
          Eligible: every condition is met.
        </p>
      ) : (
        <div className="my-2 text-sm">
          <p className="font-medium">Not eligible yet:</p>
          <ul className="list-disc pl-5 text-slate-700" data-testid="unmet">
            {e.unmet.map((u) => (
              <li key={u.code}>
                {u.code === "bar_not_cleared" ? "the gate does not clear yet (above)" : u.message}
                {u.code === "open_request" && (
                  <>
                    {" — "}
                    <Link
                      href={opened ? `/requests/${opened}` : `/requests?status=all&action=${live.actionType.id}`}
                      className="text-blue-800 underline"
                      data-testid="open-request-link"
                    >
                      {opened ? "view the request you opened" : "see it"}
                    </Link>
                  </>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {canOpen && e.eligible && (
        <label className="mb-2 block text-sm">
          Note for reviewers (optional): why now, what to look at
          <textarea
            value={note}
            onChange={(ev) => setNote(ev.target.value)}
            rows={2}
            maxLength={4000}
            className="mt-1 w-full rounded border border-slate-300 bg-white p-1"
          />
        </label>
      )}
      {canOpen && (
        <Button
          disabled={promo.pending || !e.eligible}
          onClick={() =>
            promo.run({
              actionTypeId: live.actionType.id,
              kind: "promotion",
              ...(note.trim() ? { justification: note.trim() } : {}),
            })
          }
        >
          {promo.pending ? "Opening…" : `Request promotion to ${next}`}
        </Button>
      )}
      {canOverride && !e.eligible && !e.unmet.some((u) => ["frozen", "open_request", "top_tier"].includes(u.code)) && (
        <div className="mt-3 rounded border border-purple-300 bg-purple-50 p-2 text-sm">
          <p className="font-semibold text-purple-900">Override (admin)</p>
          <p className="text-purple-900">
            Promotes against the unmet bar. Needs one more approval than usual and is marked forever.
          </p>
          <label className="mt-1 block">
            Written justification (at least 20 characters)
            <textarea
              value={justification}
              onChange={(ev) => setJustification(ev.target.value)}
              rows={2}
              className="mt-1 w-full rounded border border-slate-300 bg-white p-1"
            />
          </label>
          <Button
            className="mt-1 bg-purple-800"
            disabled={promo.pending}
            onClick={() => promo.run({ actionTypeId: live.actionType.id, kind: "override", justification })}
          >
            Open override request
          </Button>
        </div>
      )}
      <ResultMessage message={promo.message} />
      {opened && promo.message?.kind === "ok" && (
        <p className="mt-1 text-sm">
          <Link
            href={`/requests/${opened}`}
            className="font-medium text-blue-800 underline"
            data-testid="new-request-link"
          >
            Open the new request →
          </Link>
        </p>
      )}
    </Card>
  );
}
