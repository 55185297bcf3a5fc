import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { DAY_MS } from "./eligibility";
import {
  transition,
  type LiveCheck,
  type RequestEvent,
  type RequestState,
  type TransitionResult,
} from "./request-machine";

const T0 = Date.UTC(2025, 2, 1);
const WHY = "The evidence clears the bar with margin.";

const promotion = (over: Partial<RequestState> = {}): RequestState => ({
  id: "r1",
  kind: "promotion",
  status: "open",
  requesterId: "eng",
  fromTier: "CRAWL",
  toTier: "WALK",
  snapshotHash: "h1",
  requiredApprovals: 2,
  expiresAt: T0 + 14 * DAY_MS,
  policyVersionPinned: 3,
  reviews: [],
  ...over,
});

const review = (
  id: string,
  decision: "approve" | "reject" = "approve",
  over: Partial<Extract<RequestEvent, { type: "review" }>> = {},
): RequestEvent => ({
  type: "review",
  reviewer: { id, role: "reviewer" },
  decision,
  rationale: WHY,
  at: T0 + DAY_MS,
  ...over,
});

const live = (over: Partial<LiveCheck> = {}): LiveCheck => ({
  currentTier: "CRAWL",
  frozen: false,
  stateVersionAtSnapshot: 7,
  currentStateVersion: 7,
  policyVersionPinned: 3,
  currentPolicyVersion: 3,
  policyTightenedSince: false,
  ...over,
});

function ok(r: TransitionResult) {
  if ("error" in r) throw new Error(`unexpected refusal: ${r.error.code} ${r.error.message}`);
  return r;
}
function refused(r: TransitionResult) {
  if (!("error" in r)) throw new Error(`expected a refusal, got status ${r.next.status}`);
  return r.error;
}
/** Feeds events in order, failing on any refusal. */
function run(state: RequestState, ...events: RequestEvent[]) {
  let s = state;
  let last: { next: RequestState; effects: unknown[] } = { next: s, effects: [] };
  for (const e of events) {
    last = ok(transition(s, e));
    s = last.next;
  }
  return last;
}

describe("review", () => {
  it("records an approval short of quorum and stays open; the notification does not reveal the decision", () => {
    const r = ok(transition(promotion(), review("a")));
    expect(r.next.status).toBe("open");
    expect(r.next.reviews).toEqual([
      { reviewerId: "a", decision: "approve", snapshotHash: "h1", rationale: WHY, at: T0 + DAY_MS },
    ]);
    expect(r.effects).toEqual([
      {
        type: "notify",
        requestId: "r1",
        event: "request.reviewed",
        status: "open",
        tally: expect.objectContaining({ approvals: 1, required: 2, quorumMet: false }),
      },
    ]);
  });

  it("approves at quorum", () => {
    const r = run(promotion(), review("a"), review("b"));
    expect(r.next.status).toBe("approved");
    expect(r.effects).toEqual([
      expect.objectContaining({ type: "notify", event: "request.approved", status: "approved" }),
    ]);
  });

  it("one rejection closes the request, even after approvals", () => {
    const r = run(promotion({ requiredApprovals: 3 }), review("a"), review("b"), review("c", "reject"));
    expect(r.next.status).toBe("rejected");
    expect(r.effects).toEqual([
      expect.objectContaining({ type: "notify", event: "request.rejected", status: "rejected" }),
    ]);
  });

  it("an override's extra approval is required (quorum fixed at opening)", () => {
    const override = promotion({ kind: "override", requiredApprovals: 3 });
    expect(run(override, review("a"), review("b")).next.status).toBe("open");
    expect(run(override, review("a"), review("b"), review("c")).next.status).toBe("approved");
  });

  it("refuses: forbidden_role, self_review, already_reviewed, stale_snapshot, rationale_too_short", () => {
    expect(
      refused(transition(promotion(), { ...review("v"), reviewer: { id: "v", role: "viewer" } } as RequestEvent)).code,
    ).toBe("forbidden_role");
    expect(
      refused(transition(promotion(), { ...review("eng"), reviewer: { id: "eng", role: "admin" } } as RequestEvent))
        .code,
    ).toBe("self_review");
    const once = run(promotion(), review("a")).next;
    expect(refused(transition(once, review("a"))).code).toBe("already_reviewed");
    expect(refused(transition(promotion(), review("a", "approve", { snapshotHash: "h0" }))).code).toBe(
      "stale_snapshot",
    );
    expect(refused(transition(promotion(), review("a", "approve", { rationale: "fine" }))).code).toBe(
      "rationale_too_short",
    );
  });

  it("refuses not_open on every closed status", () => {
    for (const status of ["approved", "rejected", "withdrawn", "expired", "applied"] as const) {
      expect(refused(transition(promotion({ status }), review("a"))).code).toBe("not_open");
    }
  });

  it("refuses expired once the review period is over, even before the sweep marks it", () => {
    expect(refused(transition(promotion(), review("a", "approve", { at: T0 + 14 * DAY_MS }))).code).toBe("expired");
    expect(
      ok(transition(promotion(), review("a", "approve", { at: new Date(T0 + 14 * DAY_MS - 1) }))).next.status,
    ).toBe("open");
  });
});

describe("evidence_changed", () => {
  it("rebinds the request; approvals on the old snapshot stop counting and people are told", () => {
    const approvedOnce = run(promotion(), review("a")).next;
    const r = ok(transition(approvedOnce, { type: "evidence_changed", snapshotHash: "h2", policyVersionPinned: 4 }));
    expect(r.next).toMatchObject({ snapshotHash: "h2", policyVersionPinned: 4, status: "open" });
    expect(r.effects).toEqual([
      expect.objectContaining({
        event: "request.approvals_invalidated",
        tally: expect.objectContaining({ approvals: 0, staleApprovals: 1 }),
      }),
    ]);
    // b's approval alone does not reach quorum: a's is stale
    expect(ok(transition(r.next, review("b"))).next.status).toBe("open");
    // a may approve the new snapshot, and then quorum is met
    expect(run(r.next, review("b"), review("a")).next.status).toBe("approved");
  });

  it("says nothing when no approval is lost, and nothing changes for the same hash", () => {
    expect(ok(transition(promotion(), { type: "evidence_changed", snapshotHash: "h2" })).effects).toEqual([]);
    const same = ok(transition(promotion(), { type: "evidence_changed", snapshotHash: "h1" }));
    expect(same).toEqual({ next: promotion(), effects: [] });
  });

  it("refuses not_open", () => {
    expect(
      refused(transition(promotion({ status: "approved" }), { type: "evidence_changed", snapshotHash: "h2" })).code,
    ).toBe("not_open");
  });
});

describe("withdraw", () => {
  it("the requester withdraws an open request", () => {
    const r = ok(transition(promotion(), { type: "withdraw", actorId: "eng" }));
    expect(r.next.status).toBe("withdrawn");
    expect(r.effects).toEqual([{ type: "notify", requestId: "r1", event: "request.withdrawn", status: "withdrawn" }]);
  });
  it("refuses not_requester and not_open", () => {
    expect(refused(transition(promotion(), { type: "withdraw", actorId: "someone" })).code).toBe("not_requester");
    expect(refused(transition(promotion({ status: "approved" }), { type: "withdraw", actorId: "eng" })).code).toBe(
      "not_open",
    );
  });
});

describe("expire", () => {
  it("expires an open request at expiresAt", () => {
    const r = ok(transition(promotion(), { type: "expire", now: new Date(T0 + 14 * DAY_MS) }));
    expect(r.next.status).toBe("expired");
    expect(r.effects).toEqual([{ type: "notify", requestId: "r1", event: "request.expired", status: "expired" }]);
  });
  it("refuses not_expired_yet and not_open", () => {
    expect(refused(transition(promotion(), { type: "expire", now: T0 + 14 * DAY_MS - 1 })).code).toBe(
      "not_expired_yet",
    );
    expect(refused(transition(promotion({ status: "approved" }), { type: "expire", now: T0 + 30 * DAY_MS })).code).toBe(
      "not_open",
    );
  });
});

describe("apply", () => {
  it("applies an approved promotion: one tier change with its cause", () => {
    const r = ok(transition(promotion({ status: "approved" }), { type: "apply", live: live() }));
    expect(r.next.status).toBe("applied");
    expect(r.effects).toEqual([
      { type: "change_tier", requestId: "r1", from: "CRAWL", to: "WALK", cause: "promotion" },
      { type: "notify", requestId: "r1", event: "request.applied", status: "applied" },
    ]);
  });

  it("an override is applied with cause override (marked forever)", () => {
    const r = ok(transition(promotion({ kind: "override", status: "approved" }), { type: "apply", live: live() }));
    expect(r.effects[0]).toEqual({
      type: "change_tier",
      requestId: "r1",
      from: "CRAWL",
      to: "WALK",
      cause: "override",
    });
  });

  it("never applies a request that is not approved", () => {
    for (const status of ["open", "rejected", "withdrawn", "expired", "applied"] as const) {
      expect(refused(transition(promotion({ status }), { type: "apply", live: live() })).code).toBe("not_approved");
    }
  });

  it.each([
    ["demoted", { currentTier: "CRAWL" as const }, "WALK"],
    ["tier_changed", { currentTier: "RUN" as const }, "WALK"],
    ["frozen", { frozen: true }, "CRAWL"],
    ["state_changed", { currentStateVersion: 9 }, "CRAWL"],
    ["policy_tightened", { policyTightenedSince: true, currentPolicyVersion: 4 }, "CRAWL"],
  ] as const)("refuses %s", (code, change, fromTier) => {
    const state = promotion({ status: "approved", fromTier, toTier: fromTier === "CRAWL" ? "WALK" : "RUN" });
    const err = refused(transition(state, { type: "apply", live: live(change) }));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(/^cannot apply: /);
  });

  it("gives every reason at once", () => {
    const err = refused(
      transition(promotion({ status: "approved", fromTier: "WALK", toTier: "RUN" }), {
        type: "apply",
        live: live({ currentTier: "CRAWL", frozen: true, currentStateVersion: 9, policyTightenedSince: true }),
      }),
    );
    expect(err.code).toBe("demoted");
    expect(err.reasons).toHaveLength(3); // demoted, frozen, policy tightened (state version is implied by the demotion)
  });

  it("applies an approved policy change against the version it was reviewed on", () => {
    const proposed = defaultPolicy("low");
    const state = promotion({
      kind: "policy_change",
      fromTier: null,
      toTier: null,
      status: "approved",
      proposedPolicy: proposed,
    });
    const r = ok(transition(state, { type: "apply", live: live({ frozen: true, currentTier: "RUN" }) }));
    expect(r.effects).toEqual([
      { type: "apply_policy", requestId: "r1", rules: proposed, basedOnVersion: 3 },
      { type: "notify", requestId: "r1", event: "request.applied", status: "applied" },
    ]);
    expect(refused(transition(state, { type: "apply", live: live({ currentPolicyVersion: 4 }) })).code).toBe(
      "policy_changed",
    );
  });
});

describe("supersede (a policy change whose base version was replaced)", () => {
  const policyChange = (status: "open" | "approved"): RequestState => ({
    id: "pc-1",
    kind: "policy_change",
    status,
    requesterId: "admin-1",
    fromTier: null,
    toTier: null,
    snapshotHash: "h",
    requiredApprovals: 2,
    expiresAt: Date.UTC(2030, 0, 1),
    policyVersionPinned: 3,
    reviews: [],
  });

  it("closes an open or approved policy change as withdrawn once the policy moved on", () => {
    for (const status of ["open", "approved"] as const) {
      const r = transition(policyChange(status), { type: "supersede", currentPolicyVersion: 4 });
      if ("error" in r) throw new Error(r.error.message);
      expect(r.next.status).toBe("withdrawn");
      expect(r.effects).toEqual([expect.objectContaining({ type: "notify", event: "request.withdrawn" })]);
    }
  });

  it("refuses while the pinned version is current, for promotions, and for closed requests", () => {
    expect(transition(policyChange("open"), { type: "supersede", currentPolicyVersion: 3 })).toMatchObject({
      error: { code: "not_superseded" },
    });
    expect(
      transition(
        { ...policyChange("open"), kind: "promotion", fromTier: "CRAWL", toTier: "WALK" },
        { type: "supersede", currentPolicyVersion: 4 },
      ),
    ).toMatchObject({ error: { code: "not_superseded" } });
    expect(
      transition({ ...policyChange("open"), status: "rejected" }, { type: "supersede", currentPolicyVersion: 4 }),
    ).toMatchObject({ error: { code: "not_open" } });
  });
});

describe("apply re-checks the live bar (rule 1 at apply time)", () => {
  const unmet = ["bar not cleared: e-value 3.1 < 20"];

  it("refuses a promotion whose live evidence no longer clears the bar, and applies once it does", () => {
    const approved = promotion({ status: "approved" });
    expect(refused(transition(approved, { type: "apply", live: live({ liveBarUnmet: unmet }) }))).toMatchObject({
      code: "not_eligible",
      message: expect.stringContaining("e-value 3.1 < 20"),
    });
    expect(ok(transition(approved, { type: "apply", live: live({ liveBarUnmet: [] }) })).next.status).toBe("applied");
  });

  it("never holds an override to the bar it overrides", () => {
    const override = promotion({ kind: "override", status: "approved", requiredApprovals: 3 });
    expect(ok(transition(override, { type: "apply", live: live({ liveBarUnmet: unmet }) })).effects).toContainEqual(
      expect.objectContaining({ type: "change_tier", cause: "override" }),
    );
  });
});
