// The live demo agent proposes refunds (issue 22 item 6): support-bot, while refund.issue is in CRAWL,
// proposes now and then (faster with DEMO_AGENT_SPEED), never more than a handful per run; no other
// agent and no other tier proposes.
import { describe, expect, it } from "vitest";
import { REFUND_PROPOSALS, refundProposalDue } from "@/lib/demo/agent";

describe("the demo agent's refund proposals", () => {
  const base = { agent: "support-bot", tier: "CRAWL" as const, sinceLastMs: Infinity, made: 0, speed: 1 };

  it("proposes in CRAWL as support-bot, then waits its interval (shorter when sped up)", () => {
    expect(refundProposalDue(base)).toBe(true);
    expect(refundProposalDue({ ...base, sinceLastMs: REFUND_PROPOSALS.everyMs - 1 })).toBe(false);
    expect(refundProposalDue({ ...base, sinceLastMs: REFUND_PROPOSALS.everyMs })).toBe(true);
    expect(refundProposalDue({ ...base, sinceLastMs: REFUND_PROPOSALS.everyMs / 10, speed: 10 })).toBe(true);
  });

  it("stops at its cap, and never proposes for another agent or outside CRAWL", () => {
    expect(refundProposalDue({ ...base, made: REFUND_PROPOSALS.maxPerRun })).toBe(false);
    expect(refundProposalDue({ ...base, agent: "sales-bot" })).toBe(false);
    expect(refundProposalDue({ ...base, tier: "WALK" })).toBe(false);
    expect(refundProposalDue({ ...base, tier: null })).toBe(false);
  });
});
