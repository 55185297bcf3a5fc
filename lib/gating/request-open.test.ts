import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { DAY_MS, type EligibilityResult } from "./eligibility";
import { openRequest, type OpenRequestInput, type OpenResult } from "./request-open";
import type { PolicyRules } from "./types";

const NOW = Date.UTC(2025, 2, 1);
const policy = defaultPolicy("medium"); // CRAWL reviewers 2, review period 14 days
const eligible: EligibilityResult = { eligible: true, gate: null, unmet: [] };
const barUnmet: EligibilityResult = {
  eligible: false,
  gate: null,
  unmet: [{ code: "bar_not_cleared", message: "bar not cleared: e-value 3.1 < 20", required: 20, actual: 3.1 }],
};
const frozen: EligibilityResult = {
  eligible: false,
  gate: null,
  unmet: [{ code: "frozen", message: "CRAWL is frozen", required: false, actual: true }],
};

const input = (over: Partial<OpenRequestInput> = {}): OpenRequestInput => ({
  id: "r1",
  kind: "promotion",
  requester: { id: "eng", role: "viewer" },
  snapshotHash: "h1",
  policy,
  policyVersion: 3,
  now: new Date(NOW),
  fromTier: "CRAWL",
  eligibility: eligible,
  ...over,
});
const code = (r: OpenResult) => ("error" in r ? r.error.code : "ok");

describe("openRequest", () => {
  it("opens an eligible promotion one tier up with the bar's quorum and the review period", () => {
    const r = openRequest(input());
    if ("error" in r) throw new Error(r.error.message);
    expect(r.state).toEqual({
      id: "r1",
      kind: "promotion",
      status: "open",
      requesterId: "eng",
      fromTier: "CRAWL",
      toTier: "WALK",
      snapshotHash: "h1",
      requiredApprovals: 2,
      expiresAt: NOW + 14 * DAY_MS,
      policyVersionPinned: 3,
      reviews: [],
    });
    expect(r.effects).toEqual([{ type: "notify", requestId: "r1", event: "request.opened", status: "open" }]);
  });

  it("refuses a promotion against an unmet condition, saying which", () => {
    const r = openRequest(input({ eligibility: barUnmet }));
    expect(r).toEqual({ error: { code: "not_eligible", message: expect.stringContaining("e-value 3.1 < 20") } });
  });

  it("auditors cannot open requests; only admins open overrides and policy changes", () => {
    expect(code(openRequest(input({ requester: { id: "a", role: "auditor" } })))).toBe("forbidden_role");
    expect(
      code(
        openRequest(
          input({ kind: "override", requester: { id: "r", role: "reviewer" }, justification: "x".repeat(30) }),
        ),
      ),
    ).toBe("forbidden_role");
    expect(
      code(
        openRequest(
          input({
            kind: "policy_change",
            requester: { id: "r", role: "reviewer" },
            proposedPolicy: defaultPolicy("low"),
          }),
        ),
      ),
    ).toBe("forbidden_role");
  });

  it("an admin override promotes against an unmet bar with one more approval", () => {
    const r = openRequest(
      input({
        kind: "override",
        requester: { id: "adm", role: "admin" },
        eligibility: barUnmet,
        justification: "Launch commitment, monitored manually.",
      }),
    );
    if ("error" in r) throw new Error(r.error.message);
    expect(r.state).toMatchObject({ kind: "override", requiredApprovals: 3, toTier: "WALK" });
  });

  it("an override does not bypass a freeze, an open request or the top tier", () => {
    expect(
      code(
        openRequest(
          input({
            kind: "override",
            requester: { id: "adm", role: "admin" },
            eligibility: frozen,
            justification: "Launch commitment, monitored manually.",
          }),
        ),
      ),
    ).toBe("blocked");
  });

  it("an override needs a written justification of 20 characters", () => {
    expect(
      code(
        openRequest(
          input({
            kind: "override",
            requester: { id: "adm", role: "admin" },
            eligibility: barUnmet,
            justification: "because",
          }),
        ),
      ),
    ).toBe("justification_too_short");
  });

  it("bad_request: RUN, or no eligibility", () => {
    expect(code(openRequest(input({ fromTier: "RUN" })))).toBe("bad_request");
    expect(code(openRequest({ ...input(), eligibility: undefined }))).toBe("bad_request");
  });

  it("a loosening policy change opens a request; needs the strictest bar's reviewers", () => {
    const looser: PolicyRules = structuredClone(policy);
    looser.tiers.CRAWL.promotion!.minSamples = 50;
    const r = openRequest({
      ...input({
        kind: "policy_change",
        requester: { id: "adm", role: "admin" },
        proposedPolicy: looser,
        justification: "Fewer samples suffice for this internal, reversible action.",
      }),
      fromTier: undefined,
    });
    if ("error" in r) throw new Error(r.error.message);
    expect(r.state).toMatchObject({
      kind: "policy_change",
      fromTier: null,
      toTier: null,
      requiredApprovals: 2,
      proposedPolicy: looser,
    });
  });

  it("a tightening or no change needs no request; an invalid policy is refused", () => {
    const admin = { id: "adm", role: "admin" as const };
    expect(
      code(openRequest(input({ kind: "policy_change", requester: admin, proposedPolicy: defaultPolicy("critical") }))),
    ).toBe("no_review_needed");
    expect(
      code(openRequest(input({ kind: "policy_change", requester: admin, proposedPolicy: structuredClone(policy) }))),
    ).toBe("no_review_needed");
    const broken = structuredClone(policy);
    broken.tiers.WALK.demotion!.threshold = 0.99;
    expect(code(openRequest(input({ kind: "policy_change", requester: admin, proposedPolicy: broken })))).toBe(
      "invalid_policy",
    );
    expect(code(openRequest(input({ kind: "policy_change", requester: admin })))).toBe("bad_request");
  });
});

describe("the requester's note (issue 25 item 3)", () => {
  const looser: PolicyRules = structuredClone(policy);
  looser.tiers.CRAWL.promotion!.minSamples = 50;
  const admin = { id: "adm", role: "admin" as const };
  it("a loosening without a note is refused with a clear error", () => {
    for (const justification of [undefined, "", "   ", "because"]) {
      const r = openRequest({
        ...input({ kind: "policy_change", requester: admin, proposedPolicy: looser }),
        fromTier: undefined,
        ...(justification !== undefined ? { justification } : {}),
      });
      expect(code(r)).toBe("justification_too_short");
      expect("error" in r && r.error.message).toMatch(/justification/);
    }
  });
  it("an override without a note is refused too", () => {
    expect(code(openRequest(input({ kind: "override", requester: admin, eligibility: barUnmet })))).toBe(
      "justification_too_short",
    );
  });
});
