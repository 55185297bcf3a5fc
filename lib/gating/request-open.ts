// Opening a request: the initial transition of the request machine. It
// enforces who may ask for what (SPEC §3 rules 1, 5, 6) and fixes the quorum
// and the expiry at opening time.

import { validatePolicyRules } from "./defaults";
import { DAY_MS, toEpochMs, type EligibilityResult } from "./eligibility";
import { tierAbove } from "./outcomes";
import { can } from "./permissions";
import { classifyPolicyChange } from "./policy-diff";
import type { Effect, RequestState } from "./request-machine";
import { rationaleProblem } from "./rationale";
import { reviewersRequired } from "./reviews";
import type { PolicyRules, RequestKind, Role, Tier } from "./types";

export interface OpenRequestInput {
  id: string;
  kind: RequestKind;
  requester: { id: string; role: Role };
  snapshotHash: string;
  /** the policy in force, pinned by the snapshot */
  policy: PolicyRules;
  policyVersion: number;
  now: Date | number;
  /** promotion/override: the tier to leave */
  fromTier?: Tier;
  /** promotion/override: evaluateEligibility of the snapshot */
  eligibility?: EligibilityResult;
  /** override and policy change (a loosening): the requester's written note, required for both */
  justification?: string;
  /** policy_change: the proposed rules */
  proposedPolicy?: PolicyRules;
}

export type OpenRefusal =
  | "forbidden_role"
  | "not_eligible"
  | "blocked"
  | "justification_too_short"
  | "invalid_policy"
  | "no_review_needed"
  | "bad_request";

export type OpenResult = { state: RequestState; effects: Effect[] } | { error: { code: OpenRefusal; message: string } };

const fail = (code: OpenRefusal, message: string): OpenResult => ({ error: { code, message } });

/** Conditions an override cannot bypass: it overrides the bar, samples and time, nothing else. */
const NEVER_OVERRIDDEN = new Set(["top_tier", "frozen", "open_request"]);

export function openRequest(input: OpenRequestInput): OpenResult {
  const { kind, requester, policy } = input;
  const base = {
    id: input.id,
    kind,
    status: "open" as const,
    requesterId: requester.id,
    snapshotHash: input.snapshotHash,
    expiresAt: toEpochMs(input.now) + policy.reviewPeriodDays * DAY_MS,
    policyVersionPinned: input.policyVersion,
    reviews: [],
  };

  if (kind === "policy_change") {
    if (!can(requester.role, "policy:edit")) return fail("forbidden_role", "only admins change policies");
    if (!input.proposedPolicy) return fail("bad_request", "a policy change needs the proposed policy");
    // Reviewers of a loosening judge why it is wanted: the note is required, as for an override.
    const noteProblem = rationaleProblem(input.justification, "justification");
    const problems = validatePolicyRules(input.proposedPolicy);
    if (problems.length > 0) return fail("invalid_policy", `the proposed policy is invalid: ${problems.join("; ")}`);
    // Rule 6: only a loosening goes through review; a tightening applies at once.
    const diff = classifyPolicyChange(policy, input.proposedPolicy);
    if (diff.verdict !== "loosen")
      return fail(
        "no_review_needed",
        diff.verdict === "unchanged"
          ? "the proposed policy changes nothing"
          : "a tightening takes effect at once; no review is needed",
      );
    if (noteProblem) return fail("justification_too_short", `a loosening needs the requester's note: ${noteProblem}`);
    const state: RequestState = {
      ...base,
      fromTier: null,
      toTier: null,
      requiredApprovals: reviewersRequired(policy, null, kind),
      proposedPolicy: input.proposedPolicy,
    };
    return { state, effects: [{ type: "notify", requestId: state.id, event: "request.opened", status: "open" }] };
  }

  if (kind === "override" && !can(requester.role, "request:override"))
    return fail("forbidden_role", "only admins can open an override");
  if (!can(requester.role, "request:open")) return fail("forbidden_role", "auditors cannot open requests");
  const from = input.fromTier;
  const to = from ? tierAbove(from) : null;
  if (!from || !to) return fail("bad_request", `${from ?? "no tier"}: there is no tier to promote to`);
  const elig = input.eligibility;
  if (!elig) return fail("bad_request", "a promotion needs the eligibility of its snapshot");

  if (kind === "promotion" && !elig.eligible) {
    return fail(
      "not_eligible",
      `not eligible: ${elig.unmet.map((u) => u.message).join("; ")}; only an admin override can promote against an unmet bar`,
    );
  }
  if (kind === "override") {
    const blocking = elig.unmet.filter((u) => NEVER_OVERRIDDEN.has(u.code));
    if (blocking.length > 0) return fail("blocked", blocking.map((u) => u.message).join("; "));
    const problem = rationaleProblem(input.justification, "justification");
    if (problem) return fail("justification_too_short", problem);
  }

  const state: RequestState = {
    ...base,
    fromTier: from,
    toTier: to,
    requiredApprovals: reviewersRequired(policy, from, kind),
  };
  return { state, effects: [{ type: "notify", requestId: state.id, event: "request.opened", status: "open" }] };
}
