import { describe, expect, it } from "vitest";
import { consumeGrant, decideProposal, proposalStatusAt, type ProposalState } from "./proposals";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const HOUR = 3_600_000;
const pending: ProposalState = {
  status: "pending",
  digest: "d1",
  expiresAt: NOW + HOUR,
  grantDigest: null,
  consumedAt: null,
};
const REASON = "The customer already got a refund last week.";

describe("proposal state machine", () => {
  it("pending → accepted | edited | rejected, each with its CRAWL outcome", () => {
    expect(decideProposal(pending, { type: "accept" }, NOW)).toEqual({
      ok: true,
      status: "accepted",
      eventKind: "suggestion.accepted",
      grantDigest: "d1",
    });
    expect(decideProposal(pending, { type: "edit", digest: "d2" }, NOW)).toEqual({
      ok: true,
      status: "edited",
      eventKind: "suggestion.edited",
      grantDigest: "d2",
    });
    expect(decideProposal(pending, { type: "reject", reason: REASON }, NOW)).toEqual({
      ok: true,
      status: "rejected",
      eventKind: "suggestion.rejected",
      grantDigest: null,
    });
  });

  it("an edit to the very same parameters is an accept", () => {
    expect(decideProposal(pending, { type: "edit", digest: "d1" }, NOW)).toMatchObject({ status: "accepted" });
  });

  it("a reject needs a reason in words", () => {
    expect(decideProposal(pending, { type: "reject", reason: "no" }, NOW)).toMatchObject({
      ok: false,
      code: "rationale_too_short",
    });
    expect(decideProposal(pending, { type: "reject", reason: "                         " }, NOW)).toMatchObject({
      ok: false,
    });
  });

  it("decides once, and never after expiry", () => {
    for (const status of ["accepted", "edited", "rejected"] as const)
      expect(decideProposal({ ...pending, status }, { type: "accept" }, NOW)).toMatchObject({
        ok: false,
        code: "already_decided",
      });
    expect(decideProposal(pending, { type: "accept" }, NOW + HOUR)).toMatchObject({
      ok: false,
      code: "proposal_expired",
    });
    expect(proposalStatusAt(pending, NOW + HOUR)).toBe("expired");
    expect(proposalStatusAt(pending, NOW + HOUR - 1)).toBe("pending");
    expect(proposalStatusAt({ ...pending, status: "accepted" }, NOW + HOUR)).toBe("accepted");
  });
});

describe("single-use grant", () => {
  const granted: ProposalState = { ...pending, status: "edited", grantDigest: "good" };
  it("consumes exactly the accepted digest, once, before expiry", () => {
    expect(consumeGrant(granted, "good", NOW)).toEqual({ ok: true });
    expect(consumeGrant(granted, "bad", NOW)).toMatchObject({ ok: false, code: "digest_mismatch" });
    expect(consumeGrant({ ...granted, consumedAt: NOW - 1 }, "good", NOW)).toMatchObject({
      ok: false,
      code: "grant_used",
    });
    expect(consumeGrant(granted, "good", NOW + HOUR)).toMatchObject({ ok: false, code: "proposal_expired" });
  });
  it("grants nothing while pending or after a reject", () => {
    expect(consumeGrant(pending, "good", NOW)).toMatchObject({ ok: false, code: "not_granted" });
    expect(consumeGrant({ ...pending, status: "rejected" }, "good", NOW)).toMatchObject({
      ok: false,
      code: "not_granted",
    });
  });
});
