import { describe, expect, it } from "vitest";
import { defaultPolicy, DEFAULT_PROPOSAL_EXPIRY_HOURS, proposalExpiryMs, validatePolicyRules } from "./defaults";
import { policyRulesSchema } from "@/lib/state/policy-rules-schema";
import { classifyPolicyChange } from "./policy-diff";

const base = defaultPolicy("low");

describe("proposal expiry, a policy field", () => {
  it("defaults to 24 hours", () => {
    expect(DEFAULT_PROPOSAL_EXPIRY_HOURS).toBe(24);
    expect(proposalExpiryMs(base)).toBe(24 * 3_600_000);
    expect(proposalExpiryMs({ ...base, proposalExpiryHours: 2 })).toBe(2 * 3_600_000);
  });

  it("is bounded: 1 hour to 7 days, whole hours", () => {
    for (const ok of [1, 24, 168])
      expect(policyRulesSchema.safeParse({ ...base, proposalExpiryHours: ok }).success).toBe(true);
    for (const bad of [0, 169, 1.5, -1])
      expect(policyRulesSchema.safeParse({ ...base, proposalExpiryHours: bad }).success).toBe(false);
    expect(validatePolicyRules({ ...base, proposalExpiryHours: 0 })).not.toEqual([]);
  });

  it("a longer expiry loosens, a shorter one tightens", () => {
    const longer = classifyPolicyChange(base, { ...base, proposalExpiryHours: 48 });
    expect(longer.verdict).toBe("loosen");
    expect(longer.changes).toContainEqual(
      expect.objectContaining({ path: "proposalExpiryHours", direction: "loosen" }),
    );
    const shorter = classifyPolicyChange(base, { ...base, proposalExpiryHours: 2 });
    expect(shorter.verdict).toBe("tighten");
    expect(shorter.changes).toContainEqual(
      expect.objectContaining({ path: "proposalExpiryHours", direction: "tighten" }),
    );
  });
});
