// The proposal digest (SPEC §8): SHA-256 of the RFC 8785 (JCS) canonical JSON of
// {agent, action, audience, subject, parameters}. Fixed vectors were computed outside the product
// (sha256sum of the hand-written canonical text), so a change of encoding cannot pass unnoticed.
import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "@cwr/gating/canonical";
import { proposalDigest } from "@/lib/proposals/digest";

const refund = {
  agent: "support-bot",
  action: "refund.issue",
  audience: "external" as const,
  subject: "customer:42",
  parameters: { order: "A-1001", currency: "EUR", amount: 12.5 },
};

describe("proposalDigest", () => {
  it("matches fixed vectors", () => {
    expect(proposalDigest(refund)).toBe("4b4265a87043d63410b4f1181babde3e6b64ffc9344a897c7bf0286f31561f72");
    expect(
      proposalDigest({
        agent: "support-bot",
        action: "ticket.reply",
        audience: "internal",
        subject: "staff:7",
        parameters: {},
      }),
    ).toBe("81c712d83ab96a7590a536966711859a6d54b4509ddcb01178850e2f2135584b");
    // JCS number forms (1e+21, -0 → 0) and UTF-16 key order ("é" after "n").
    expect(
      proposalDigest({
        agent: "a",
        action: "refund.issue",
        audience: "external",
        subject: "s",
        parameters: { é: "€", n: [1, 0.1, -0, 100], big: 1e21 },
      }),
    ).toBe("912778e3d77d2e4109b287aa4fd2a52696ec7dce23d41ef4aba8feaaa4f833ae");
  });

  it("does not depend on key order", () => {
    const reordered = { parameters: { amount: 12.5, currency: "EUR", order: "A-1001" }, subject: "customer:42" };
    expect(proposalDigest({ ...refund, ...reordered })).toBe(proposalDigest(refund));
  });

  it("changes with any field and any parameter", () => {
    const base = proposalDigest(refund);
    expect(proposalDigest({ ...refund, agent: "support-bot2" })).not.toBe(base);
    expect(proposalDigest({ ...refund, action: "refund.issue2" })).not.toBe(base);
    expect(proposalDigest({ ...refund, audience: "internal" })).not.toBe(base);
    expect(proposalDigest({ ...refund, subject: "customer:43" })).not.toBe(base);
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), fc.jsonValue(), (params, key, value) => {
        fc.pre(JSON.stringify(params[key]) !== JSON.stringify(value) && key !== "__proto__");
        const changed = { ...params, [key]: value };
        expect(proposalDigest({ ...refund, parameters: changed })).not.toBe(
          proposalDigest({ ...refund, parameters: params }),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("lib/gating/canonical.ts against RFC 8785 (canonicalize)", () => {
  // Where their domains overlap (JSON values with well-formed strings) they write the same bytes.
  // They differ outside it: canonicalJson writes a BigInt as a string and a lone surrogate as a JSON
  // escape, where canonicalize throws; canonicalJson refuses an undefined or function value at the top.
  it("agrees on every JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v));
      }),
      { numRuns: 1000 },
    );
  });

  it("differs only outside JSON", () => {
    expect(canonicalJson({ n: 5n })).toBe('{"n":"5"}');
    expect(() => canonicalize({ n: 5n })).toThrow();
    expect(canonicalJson("\ud800")).toBe('"\\ud800"');
    expect(() => canonicalize("\ud800")).toThrow();
  });
});
