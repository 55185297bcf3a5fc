"use client";
// What a policy edit does, before it is saved: the verdict (tighten at once, or loosen through review),
// each changed field and each derived effect in words, and the problems that keep it from being valid.
import type { PolicyChange } from "@cwr/gating/policy-diff";
import { policyChangeInWords } from "@cwr/gating/plain-words";
import { fmt, inPercent } from "@/components/PolicyFields";

export function PolicyVerdict({ diff, problems }: { diff: PolicyChange; problems: string[] }) {
  const invalid = problems.length > 0;
  return (
    <>
      {invalid ? (
        <p className="text-sm text-slate-700" data-testid="policy-verdict-pending">
          Fix the values marked below first; until they are valid nothing can be applied or sent.
        </p>
      ) : diff.changes.length === 0 ? (
        <p className="text-sm text-slate-600">No changes yet.</p>
      ) : (
        <>
          <p
            className={`mb-2 text-sm font-semibold ${diff.verdict === "loosen" ? "text-amber-800" : "text-emerald-800"}`}
            data-testid="policy-verdict"
          >
            {diff.verdict === "loosen"
              ? "Loosening: it will be sent for review and changes nothing until approved."
              : "Tightening: it applies at once as a new policy version."}
          </p>
          <ul className="list-disc pl-5 text-sm" data-testid="policy-changes">
            {diff.changes.map((c) => (
              <li key={c.path} className={c.direction === "loosen" ? "text-amber-800" : "text-emerald-800"}>
                <span title={c.path}>{policyChangeInWords(c).text}</span> —{" "}
                {c.direction === "loosen" ? "loosens (review)" : "tightens (at once)"}
              </li>
            ))}
          </ul>
          {diff.effects.length > 0 && (
            <ul className="mt-2 list-disc pl-5 text-xs" data-testid="policy-effects">
              {diff.effects.map((e) => (
                <li
                  key={`${e.tier}-${e.measure}`}
                  className={e.direction === "loosen" ? "text-amber-800" : "text-emerald-800"}
                >
                  {e.tier} {e.area}: {e.measure} {fmt(e.from)} → {fmt(e.to)} (
                  {e.direction === "loosen" ? "easier or slower: loosens" : "harder or faster"})
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {problems.length > 0 && (
        <ul className="mt-2 list-disc pl-5 text-sm text-red-700" role="alert" data-testid="policy-problems">
          {problems.map((p) => (
            <li key={p}>{inPercent(p)}</li>
          ))}
        </ul>
      )}
    </>
  );
}
