import { describe, expect, it } from "vitest";
import { MAX_CONTRACT_ENTRIES } from "./contract";
import {
  classifyContractChange,
  closeContractRequest,
  contractReviewersRequired,
  openContractRequest,
  reviewContractRequest,
  type ContractRequestState,
} from "./contract-request";
import { defaultPolicy } from "./defaults";
import { DAY_MS } from "./types";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const RATIONALE = "Checked with support: these are our own staff accounts.";
const open = (over: Partial<ContractRequestState> = {}): ContractRequestState => ({
  id: "r1",
  status: "open",
  requesterId: "u1",
  snapshotHash: "h1",
  requiredApprovals: 2,
  expiresAt: NOW + DAY_MS,
  reviews: [],
  ...over,
});
const review = (state: ContractRequestState, id: string, decision: "approve" | "reject" = "approve", entries = 0) =>
  reviewContractRequest(state, {
    reviewer: { id, role: "reviewer" },
    decision,
    rationale: RATIONALE,
    at: NOW,
    entries,
  });

describe("what a contract change does", () => {
  it("an addition loosens, a removal tightens, a change of nothing is neither", () => {
    expect(classifyContractChange(["staff:*"], { type: "add", entry: "ops-bot-7" })).toBe("loosen");
    expect(classifyContractChange([], { type: "add", entry: "ops-bot-7" })).toBe("loosen");
    expect(classifyContractChange(["staff:*"], { type: "remove", entry: "staff:*" })).toBe("tighten");
    expect(classifyContractChange(["staff:*"], { type: "add", entry: "staff:*" })).toBe("unchanged");
    expect(classifyContractChange(["staff:*"], { type: "remove", entry: "x" })).toBe("unchanged");
  });
});

describe("opening an addition", () => {
  const base = {
    id: "r1",
    requester: { id: "u1", role: "admin" as const },
    entries: ["staff:*"],
    entry: "ops-bot-7",
    alreadyAsked: false,
    policies: [defaultPolicy("low"), defaultPolicy("high")],
    snapshotHash: "h1",
    now: NOW,
  };
  it("needs the strictest promotion bar's reviewers among the agent's policies, and expires", () => {
    const r = openContractRequest(base);
    expect(r).toMatchObject({ state: { status: "open", requiredApprovals: contractReviewersRequired(base.policies) } });
    expect(contractReviewersRequired(base.policies)).toBe(3);
    expect(contractReviewersRequired([])).toBe(1);
    if ("state" in r) expect(r.state.expiresAt).toBeGreaterThan(NOW);
  });
  it("is an admin's, of an entry not yet internal nor asked for, with room left", () => {
    expect(openContractRequest({ ...base, requester: { id: "u1", role: "reviewer" } })).toMatchObject({
      error: { code: "forbidden_role" },
    });
    expect(openContractRequest({ ...base, entry: "staff:*" })).toMatchObject({ error: { code: "conflict" } });
    expect(openContractRequest({ ...base, alreadyAsked: true })).toMatchObject({ error: { code: "conflict" } });
    const full = Array.from({ length: MAX_CONTRACT_ENTRIES }, (_, i) => `e${i}`);
    expect(openContractRequest({ ...base, entries: full })).toMatchObject({ error: { code: "conflict" } });
  });
});

describe("reviewing an addition", () => {
  it("applies only at the quorum of others' approvals, each with a rationale", () => {
    const first = review(open(), "u2");
    expect(first).toMatchObject({ apply: false, next: { status: "open" }, tally: { approvals: 1 } });
    if (!("next" in first)) throw new Error("refused");
    const second = review(first.next, "u3");
    expect(second).toMatchObject({ apply: true, next: { status: "applied" }, tally: { quorumMet: true } });
  });
  it("refuses the requester, a second review by the same person, a viewer, a thin rationale, a stale hash", () => {
    expect(review(open(), "u1")).toMatchObject({ error: { code: "self_review" } });
    const once = review(open(), "u2");
    if (!("next" in once)) throw new Error("refused");
    expect(review(once.next, "u2")).toMatchObject({ error: { code: "already_reviewed" } });
    const by = (over: object) =>
      reviewContractRequest(open(), {
        reviewer: { id: "u2", role: "reviewer" },
        decision: "approve",
        rationale: RATIONALE,
        at: NOW,
        entries: 0,
        ...over,
      });
    expect(by({ reviewer: { id: "u2", role: "viewer" } })).toMatchObject({ error: { code: "forbidden_role" } });
    expect(by({ rationale: "...................." })).toMatchObject({ error: { code: "rationale_too_short" } });
    expect(by({ snapshotHash: "other" })).toMatchObject({ error: { code: "stale_snapshot" } });
    expect(by({ at: NOW + 2 * DAY_MS })).toMatchObject({ error: { code: "expired" } });
  });
  it("one rejection closes it; a full contract refuses the approval that would apply it", () => {
    expect(review(open(), "u2", "reject")).toMatchObject({ apply: false, next: { status: "rejected" } });
    expect(review(open({ requiredApprovals: 1 }), "u2", "approve", MAX_CONTRACT_ENTRIES)).toMatchObject({
      error: { code: "conflict" },
    });
    expect(review(open(), "u2", "approve", MAX_CONTRACT_ENTRIES)).toMatchObject({ apply: false });
  });
  it("closes by withdrawal of its requester or at the end of its review period", () => {
    expect(closeContractRequest(open(), { type: "withdraw", actorId: "u2" })).toMatchObject({
      error: { code: "not_requester" },
    });
    expect(closeContractRequest(open(), { type: "withdraw", actorId: "u1" })).toMatchObject({
      next: { status: "withdrawn" },
    });
    expect(closeContractRequest(open(), { type: "expire", now: NOW })).toMatchObject({
      error: { code: "not_expired_yet" },
    });
    expect(closeContractRequest(open(), { type: "expire", now: NOW + DAY_MS })).toMatchObject({
      next: { status: "expired" },
    });
    expect(closeContractRequest(open({ status: "applied" }), { type: "expire", now: NOW + DAY_MS })).toMatchObject({
      error: { code: "not_open" },
    });
  });
});
