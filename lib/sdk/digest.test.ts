import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { proposalDigest } from "@/lib/proposals/digest";
import { actionDigest } from "./digest";

const AUD = fc.constantFrom("internal" as const, "external" as const);

describe("the SDK's action digest", () => {
  it("is the server's digest for any action (so a grant fits what the agent runs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.string(),
        AUD,
        fc.string(),
        fc.dictionary(fc.string(), fc.jsonValue()),
        async (agent, action, audience, subject, parameters) => {
          const input = { agent, action, audience, subject, parameters };
          expect(await actionDigest(input)).toBe(proposalDigest(input));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("changes with any parameter", async () => {
    const base = { agent: "a", action: "refund.issue", audience: "external" as const, subject: "c:1" };
    const one = await actionDigest({ ...base, parameters: { amount: 10 } });
    expect(await actionDigest({ ...base, parameters: { amount: 11 } })).not.toBe(one);
    expect(await actionDigest({ ...base, parameters: { amount: 10, note: "" } })).not.toBe(one);
  });
});
