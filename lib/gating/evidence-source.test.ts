// Evidence by source (issue 22 item 4, SPEC §8): under an attested tier only reporter and person
// outcomes count toward promotion, every failure still counts toward demotion, and the fold keeps
// the stay's counts per source. The replay folds the same way.
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { foldEvidence, freshEvidence, type FoldOutcome } from "./evidence-fold";
import { classifyPolicyChange } from "./policy-diff";
import { policyRulesSchema } from "@/lib/state/policy-rules-schema";
import { PolicyReplay } from "./replay";
import { attestedInWords, eventSourceOfKey, personSource, reportersByName, sourcesInWords } from "./evidence-source";
import type { PolicyRules } from "./types";

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

function attested(tier: "CRAWL" | "WALK" | "RUN"): PolicyRules {
  const rules = defaultPolicy("low");
  return { ...rules, tiers: { ...rules.tiers, [tier]: { ...rules.tiers[tier], evidence: "attested" } } };
}

const walk = (i: number, kind: FoldOutcome["kind"], source: string): FoldOutcome => ({
  kind,
  tier: "WALK",
  occurredAt: T0 + (i + 1) * MIN,
  agentVersion: "v1",
  source,
});

describe("the source of an event", () => {
  it("is named from the key that sent it, never from anything else", () => {
    expect(eventSourceOfKey({ keyId: "k1", scope: "agent" })).toBe("agent");
    expect(eventSourceOfKey({ keyId: "k1", scope: "reporter" })).toBe("reporter:k1");
    expect(personSource("u1")).toBe("person:u1");
  });
});

describe("policy field evidence", () => {
  it("accepts any and attested per tier, and nothing else", () => {
    expect(policyRulesSchema.safeParse(attested("WALK")).success).toBe(true);
    const bad = defaultPolicy("low");
    const wrong = { ...bad, tiers: { ...bad.tiers, WALK: { ...bad.tiers.WALK, evidence: "trusted" } } };
    expect(policyRulesSchema.safeParse(wrong).success).toBe(false);
  });

  it("attested → any loosens; any → attested tightens", () => {
    const any = defaultPolicy("low");
    const loosen = classifyPolicyChange(attested("WALK"), any).changes.find((c) => c.path === "tiers.WALK.evidence");
    expect(loosen?.direction).toBe("loosen");
    const tighten = classifyPolicyChange(any, attested("WALK")).changes.find((c) => c.path === "tiers.WALK.evidence");
    expect(tighten?.direction).toBe("tighten");
  });
});

describe("an attested tier's fold", () => {
  const ctx = (rules: PolicyRules) => ({ tier: "WALK" as const, tierSince: T0, rules, policyVersion: 1 });

  it("ignores the agent's own successes for promotion and keeps the stay's counts per source", () => {
    const events = [
      ...Array.from({ length: 30 }, (_, i) => walk(i, "action.completed", "agent")),
      ...Array.from({ length: 20 }, (_, i) => walk(30 + i, "action.completed", "reporter:k1")),
      ...Array.from({ length: 5 }, (_, i) => walk(50 + i, "action.completed", "person:u1")),
    ];
    const { state } = foldEvidence(freshEvidence(T0), events, ctx(attested("WALK")));
    expect(state.trials).toBe(25);
    expect(state.successes).toBe(25);
    expect(state.sources).toEqual({ agent: 30, person: 5, reporters: { k1: 20 } });
    // Under "any" the same outcomes all count.
    const any = foldEvidence(freshEvidence(T0), events, ctx(defaultPolicy("low"))).state;
    expect(any.trials).toBe(55);
    expect(any.sources).toEqual({ agent: 30, person: 5, reporters: { k1: 20 } });
  });

  it("demotes on the agent's own failures, and its successes do not wash them out", () => {
    const failures = Array.from({ length: 10 }, (_, i) => walk(i, "action.reverted", "agent"));
    const successes = Array.from({ length: 200 }, (_, i) => walk(10 + i, "action.completed", "agent"));
    const a = foldEvidence(freshEvidence(T0), failures, ctx(attested("WALK")));
    expect(a.state.cusum).toBeGreaterThan(0);
    expect(a.state.trials).toBe(0);
    const b = foldEvidence(a.state, successes, ctx(attested("WALK")));
    expect(b.state.cusum).toBe(a.state.cusum);
    expect(b.state.trials).toBe(0);
  });

  it("the replay honours it: agent-only successes never make CRAWL eligible", () => {
    const crawl = Array.from({ length: 400 }, (_, i) => ({
      kind: "suggestion.accepted" as const,
      tier: "CRAWL" as const,
      occurredAt: T0 + i * 3_600_000,
      agentVersion: "v1",
      source: "agent",
    }));
    const run = (rules: PolicyRules) => {
      const r = new PolicyReplay({ rules, policyVersion: 1, createdAt: T0, recorded: [], promote: "when_eligible" });
      r.push(crawl, crawl.at(-1)!.occurredAt);
      return r.finish(T0 + 60 * 86_400_000);
    };
    expect(run(defaultPolicy("low")).eligibleAt.length).toBeGreaterThan(0);
    const attestedRun = run(attested("CRAWL"));
    expect(attestedRun.eligibleAt).toEqual([]);
    expect(attestedRun.state.trials).toBe(0);
  });
});

describe("the stay's evidence in words", () => {
  it("names each reporter key and people, and says how much the agent reported itself", () => {
    const words = sourcesInWords({ agent: 0, person: 140, reporters: { k1: 1100 } }, { k1: "the helpdesk" });
    expect(words).toBe("1,240 outcomes: 1,100 reported by the helpdesk, 140 decided by people, 0 self-reported");
  });

  it("adds a system of record's rotated keys under its name, and names a key that has not reported yet", () => {
    const keys = [
      { id: "old", name: "helpdesk" },
      { id: "new", name: "helpdesk" },
      { id: "l", name: "ledger" },
    ];
    const c = reportersByName({ agent: 3, person: 1, reporters: { old: 4, new: 5, gone: 2 } }, keys);
    expect(c.reporters).toEqual({ helpdesk: 9, ledger: 0, gone: 2 });
    expect(sourcesInWords(c, { helpdesk: "helpdesk", ledger: "ledger" })).toBe(
      "15 outcomes: 9 reported by helpdesk, 2 reported by a reporter key, 0 reported by ledger, 1 decided by people, 3 self-reported",
    );
  });

  it("says a tier is attested only when it is, naming who counts", () => {
    expect(attestedInWords(undefined, "WALK", ["helpdesk"])).toBeNull();
    expect(attestedInWords("any", "WALK", ["helpdesk"])).toBeNull();
    expect(attestedInWords("attested", "WALK", ["helpdesk", "ledger"])).toBe(
      "Only outcomes reported by helpdesk, ledger or decided by people count for promotion out of WALK.",
    );
    expect(attestedInWords("attested", "CRAWL", [])).toBe(
      "Only outcomes reported by a reporter key or decided by people count for promotion out of CRAWL.",
    );
  });
});
