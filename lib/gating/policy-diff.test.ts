import { describe, expect, it } from "vitest";
import { oneLookFalsePromotion } from "@/tests/helpers/false-promotion";
import { defaultPolicy } from "./defaults";
import { classifyPolicyChange } from "./policy-diff";
import type { PolicyRules } from "./types";

const base = defaultPolicy("medium");
const edit = (f: (p: PolicyRules) => void): PolicyRules => {
  const p = structuredClone(base);
  f(p);
  return p;
};

// [path, change, direction]: one row per field and direction.
const cases: Array<[string, (p: PolicyRules) => void, "tighten" | "loosen"]> = [
  ["gate", (p) => (p.gate = "wilson"), "loosen"],
  ["gate", (p) => (p.gate = "raw"), "loosen"],
  ["alpha", (p) => (p.alpha = 0.1), "loosen"],
  ["alpha", (p) => (p.alpha = 0.01), "tighten"],
  // Issue 11: the alarm level comes from demotionArl, so demotionAlpha slows no detector either way.
  ["demotionAlpha", (p) => (p.demotionAlpha = 0.05), "tighten"],
  ["demotionAlpha", (p) => (p.demotionAlpha = 0.001), "tighten"],
  ["demotionArl", (p) => (p.demotionArl = 1e8), "loosen"],
  ["demotionArl", (p) => (p.demotionArl = 1e4), "tighten"],
  ["incidentSeverity", (p) => (p.incidentSeverity = "critical"), "loosen"],
  ["incidentSeverity", (p) => (p.incidentSeverity = "low"), "tighten"],
  ["reviewPeriodDays", (p) => (p.reviewPeriodDays = 30), "loosen"],
  ["reviewPeriodDays", (p) => (p.reviewPeriodDays = 7), "tighten"],
  ["tiers.CRAWL.windowDays", (p) => (p.tiers.CRAWL.windowDays = 7), "loosen"],
  ["tiers.RUN.windowDays", (p) => (p.tiers.RUN.windowDays = 60), "tighten"],
  ["tiers.CRAWL.promotion.threshold", (p) => (p.tiers.CRAWL.promotion!.threshold = 0.8), "loosen"],
  ["tiers.CRAWL.promotion.threshold", (p) => (p.tiers.CRAWL.promotion!.threshold = 0.9), "tighten"],
  ["tiers.WALK.promotion.minSamples", (p) => (p.tiers.WALK.promotion!.minSamples = 50), "loosen"],
  ["tiers.WALK.promotion.minSamples", (p) => (p.tiers.WALK.promotion!.minSamples = 500), "tighten"],
  ["tiers.WALK.promotion.minDaysInTier", (p) => (p.tiers.WALK.promotion!.minDaysInTier = 1), "loosen"],
  ["tiers.WALK.promotion.minDaysInTier", (p) => (p.tiers.WALK.promotion!.minDaysInTier = 30), "tighten"],
  ["tiers.CRAWL.promotion.reviewers", (p) => (p.tiers.CRAWL.promotion!.reviewers = 1), "loosen"],
  ["tiers.CRAWL.promotion.reviewers", (p) => (p.tiers.CRAWL.promotion!.reviewers = 3), "tighten"],
  // lower demotion threshold tolerates a worse rate before demoting
  ["tiers.WALK.demotion.threshold", (p) => (p.tiers.WALK.demotion!.threshold = 0.7), "loosen"],
  ["tiers.RUN.demotion.threshold", (p) => (p.tiers.RUN.demotion!.threshold = 0.85), "tighten"],
  // more samples before the detector may fire → slower to demote
  ["tiers.RUN.demotion.minSamples", (p) => (p.tiers.RUN.demotion!.minSamples = 100), "loosen"],
  ["tiers.RUN.demotion.minSamples", (p) => (p.tiers.RUN.demotion!.minSamples = 10), "tighten"],
  // RUN q0 = 0.2, default q1 = 0.4: a higher q1 tolerates more failures
  ["tiers.RUN.demotion.failureRate", (p) => (p.tiers.RUN.demotion!.failureRate = 0.5), "loosen"],
  ["tiers.RUN.demotion.failureRate", (p) => (p.tiers.RUN.demotion!.failureRate = 0.3), "tighten"],
  ["tiers.WALK.demotion", (p) => delete p.tiers.WALK.demotion, "loosen"],
  ["tiers.CRAWL.demotion", (p) => (p.tiers.CRAWL.demotion = { threshold: 0.6, minSamples: 10 }), "tighten"],
  [
    "tiers.RUN.promotion",
    (p) => (p.tiers.RUN.promotion = { threshold: 0.99, minSamples: 1, minDaysInTier: 0, reviewers: 1 }),
    "loosen",
  ],
];

describe("classifyPolicyChange", () => {
  it("an identical policy is unchanged", () => {
    expect(classifyPolicyChange(base, structuredClone(base))).toEqual({
      verdict: "unchanged",
      changes: [],
      effects: [],
    });
  });

  it.each(cases)("%s → %s", (path, change, direction) => {
    const after = edit(change);
    const result = classifyPolicyChange(base, after);
    expect(result.changes).toEqual([expect.objectContaining({ path, direction })]);
    expect(result.verdict).toBe(direction);
  });

  // Issue 20 item 5: a later look needs more evidence, but it tightens only where its exact false
  // promotion at the bar does not rise (the probability saw-tooths with lookAt).
  it("a wilson look moved is a tightening exactly when its false promotion at the bar does not rise", () => {
    const wilson = edit((p) => (p.gate = "wilson"));
    const bar = wilson.tiers.WALK.promotion!;
    const p0 = oneLookFalsePromotion("wilson", bar.minSamples, bar.threshold, 0.8 * wilson.alpha);
    for (const look of [201, 250, 333, 500]) {
      const later = structuredClone(wilson);
      later.tiers.WALK.promotion!.lookAt = look;
      const rises = oneLookFalsePromotion("wilson", look, bar.threshold, 0.8 * wilson.alpha) > p0;
      expect(classifyPolicyChange(wilson, later).verdict).toBe(rises ? "loosen" : "tighten");
      expect(classifyPolicyChange(later, wilson).verdict).toBe("loosen");
    }
  });

  it("what cannot be derived is a loosening: without WALK's bar RUN's detector has no entry rate (issue 11)", () => {
    const r = classifyPolicyChange(
      base,
      edit((p) => delete p.tiers.WALK.promotion),
    );
    expect(r.changes).toEqual([expect.objectContaining({ path: "tiers.WALK.promotion", direction: "tighten" })]);
    expect(r.effects).toContainEqual(expect.objectContaining({ tier: "RUN", area: "demotion", direction: "loosen" }));
    expect(r.verdict).toBe("loosen");
  });

  it("repro 7: under wilson a longer window tightens and cannot make anything eligible; under raw it is a loosening", () => {
    const wilson = edit((p) => (p.gate = "wilson"));
    const wider = structuredClone(wilson);
    wider.tiers.CRAWL.windowDays = 60;
    expect(classifyPolicyChange(wilson, wider).verdict).toBe("tighten");
    const raw = edit((p) => (p.gate = "raw"));
    const rawWider = structuredClone(raw);
    rawWider.tiers.CRAWL.windowDays = 60;
    expect(classifyPolicyChange(raw, rawWider).verdict).toBe("loosen");
  });

  it("reports from and to", () => {
    expect(
      classifyPolicyChange(
        base,
        edit((p) => (p.tiers.CRAWL.promotion!.threshold = 0.8)),
      ).changes,
    ).toEqual([{ path: "tiers.CRAWL.promotion.threshold", from: 0.85, to: 0.8, direction: "loosen" }]);
  });

  // Issue 20: gates are compared by false promotion at the bar. The e-process's is a bound (α₀), the one
  // look's exact and smaller, so moving from wilson to the e-process cannot be shown to tighten.
  it("raw → wilson and raw → e-process tighten; wilson → raw loosens; wilson → e-process needs review", () => {
    const wilson = edit((p) => (p.gate = "wilson"));
    const raw = edit((p) => (p.gate = "raw"));
    expect(classifyPolicyChange(raw, wilson).verdict).toBe("tighten");
    expect(classifyPolicyChange(raw, base).verdict).toBe("tighten");
    expect(classifyPolicyChange(wilson, raw).verdict).toBe("loosen");
    expect(classifyPolicyChange(wilson, base).verdict).toBe("loosen");
  });

  it("any loosening makes the whole change a loosening, whatever else tightens", () => {
    const mixed = edit((p) => {
      p.tiers.CRAWL.promotion!.threshold = 0.95;
      p.tiers.WALK.promotion!.reviewers = 5;
      p.tiers.RUN.windowDays = 20;
    });
    const r = classifyPolicyChange(base, mixed);
    expect(r.verdict).toBe("loosen");
    expect(r.changes.map((c) => c.direction).sort()).toEqual(["loosen", "tighten", "tighten"]);
  });

  it("setting failureRate to the value it already defaulted to changes nothing", () => {
    expect(
      classifyPolicyChange(
        base,
        edit((p) => (p.tiers.RUN.demotion!.failureRate = 0.4)),
      ).verdict,
    ).toBe("unchanged");
  });

  it("is antisymmetric: undoing a change reverses every direction (where the effect is derivable and not nil)", () => {
    for (const [path, change] of cases) {
      if (path === "demotionAlpha") continue;
      const after = edit(change);
      // Issue 20: detectors compared on a grid whose bracket overlaps are a near-tie, a loosening both ways.
      const nearTie = [classifyPolicyChange(base, after), classifyPolicyChange(after, base)].some((r) =>
        r.effects.some((e) => e.direction === "loosen" && e.measure.includes("grid step") && Number(e.to) >= 0),
      );
      if (
        nearTie &&
        classifyPolicyChange(after, base).verdict === "loosen" &&
        classifyPolicyChange(base, after).verdict === "loosen"
      )
        continue;
      const forward = classifyPolicyChange(base, after).changes.map((c) => c.direction);
      const back = classifyPolicyChange(after, base).changes.map((c) =>
        c.direction === "loosen" ? "tighten" : "loosen",
      );
      expect(back).toEqual(forward);
    }
  });
});
