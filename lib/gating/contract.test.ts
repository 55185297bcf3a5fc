import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideForSubject } from "./slider";
import {
  decideWithContract,
  insideContract,
  internalAudienceInWords,
  MAX_CONTRACT_ENTRIES,
  parseContractEntry,
} from "./contract";

describe("contract entries", () => {
  it("reads exact ids, prefixes and e-mail domains; domains are lower-cased", () => {
    expect(parseContractEntry("ops-bot-7")).toEqual({ kind: "exact", value: "ops-bot-7" });
    expect(parseContractEntry("staff:*")).toEqual({ kind: "prefix", value: "staff:" });
    expect(parseContractEntry("*@ACME.example")).toEqual({ kind: "domain", value: "acme.example" });
  });
  it("refuses what would match everyone or nothing sensible", () => {
    for (const bad of [
      "",
      "*",
      "**",
      "*@",
      "*@x",
      "*@-a.example",
      "a*b*",
      "a\u0000b",
      "*@acme..example",
      "x".repeat(257),
    ])
      expect(parseContractEntry(bad), bad).toBeNull();
  });
  it("matches: exact and prefix by code unit, domain case-insensitively and only the whole domain", () => {
    const c = ["staff:*", "*@acme.example", "ops-bot-7"];
    expect(insideContract(c, "staff:ann")).toBe(true);
    expect(insideContract(c, "Staff:ann")).toBe(false);
    expect(insideContract(c, "ops-bot-7")).toBe(true);
    expect(insideContract(c, "ops-bot-77")).toBe(false);
    expect(insideContract(c, "ann@ACME.Example")).toBe(true);
    expect(insideContract(c, "ann@sub.acme.example")).toBe(false);
    expect(insideContract(c, "ann@acme.example.evil")).toBe(false);
    expect(insideContract(c, "@acme.example")).toBe(false);
    expect(insideContract(c, undefined)).toBe(false);
    expect(insideContract([], "anything")).toBe(false);
  });
  it("is bounded", () => expect(MAX_CONTRACT_ENTRIES).toBeLessThanOrEqual(1000));
});

describe("decideWithContract", () => {
  const tiers = fc.constantFrom("CRAWL", "WALK", "RUN", null) as fc.Arbitrary<"CRAWL" | "WALK" | "RUN" | null>;
  it("without a contract is today's decision", () =>
    fc.assert(
      fc.property(
        tiers,
        fc.boolean(),
        fc.constantFrom("internal", "external") as fc.Arbitrary<"internal" | "external">,
        fc.option(fc.string(), { nil: undefined }),
        (t, f, a, x) => {
          expect(decideWithContract(t, f, a, null, x, null)).toEqual(decideForSubject(t, f, a, null, x));
        },
      ),
    ));
  it("an internal subject outside the contract is answered as external, and says why", () =>
    fc.assert(
      fc.property(tiers, fc.boolean(), fc.string(), (t, f, x) => {
        const d = decideWithContract(t, f, "internal", null, x, ["staff:*"]);
        const inside = x.startsWith("staff:");
        const as = decideForSubject(t, f, inside ? "internal" : "external", null, x);
        expect(d.allowed).toBe(as.allowed);
        expect(d.mode).toBe(as.mode);
        if (!inside) expect(d.reason).toMatch(/outside the agent's contract/);
      }),
    ));
});

describe("the card's words", () => {
  it("says who declares the internal audience", () => {
    expect(internalAudienceInWords(null)).toBe("internal audience is declared by the agent");
    expect(internalAudienceInWords([])).toMatch(/none/);
    expect(internalAudienceInWords(["a", "b", "c", "d"])).toBe(
      "internal audience is the agent's contract: a, b, c and 1 more",
    );
  });
});
