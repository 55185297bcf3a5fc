// Issue 25 item 2: an automatic demotion explains itself in one line of words; the detector's numbers
// stay behind Details.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { evaluateDemotion } from "./demotion";
import { demotionCause } from "./demotion-words";

describe("demotionCause: a demotion in words", () => {
  it("says how many of the last outcomes failed and that the alarm was reached; the statistic is the detail", () => {
    const c = demotionCause({
      metric: "cusum",
      statistic: 5.27,
      threshold: 4.97,
      samples: 140,
      minSamples: 30,
      q0: 0.2,
      q1: 0.4,
      windowRate: 113 / 140,
    })!;
    expect(c.summary).toBe("27 of the last 140 outcomes failed; the detector's alarm was reached.");
    expect(c.details).toBe(
      "failure CUSUM 5.27 ≥ 4.97 over 140 outcomes (acceptable failure rate 20%, alarm tuned to 40%)",
    );
    expect(c.summary).not.toMatch(/CUSUM|q0|q1|\d\.\d\d/);
  });

  it("an incident says its severity and the policy's level", () => {
    const c = demotionCause({ metric: "incident", statistic: "critical", threshold: "high", samples: 12 })!;
    expect(c.summary).toBe("A critical incident was reported; the policy demotes straight to CRAWL at high or worse.");
  });

  it("reads what the detector recorded: every verdict's breach, and nothing that is not one", () => {
    const rules = defaultPolicy("high");
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
        fc.double({ min: 0, max: 50, noNaN: true }),
        ([n, s], cusum) => {
          const v = evaluateDemotion({ tier: "RUN", cusum, window: { successes: s, trials: n } }, rules);
          if (v.action !== "demote") return;
          // stored as JSON in the tier change: what the timeline reads back
          const c = demotionCause(JSON.parse(JSON.stringify(v.breached)))!;
          expect(c.summary).toBe(
            `${(n - s).toLocaleString("en-US")} of the last ${n.toLocaleString("en-US")} outcome${n === 1 ? "" : "s"} failed; the detector's alarm was reached.`,
          );
          expect(c.details).toContain(`${cusum.toFixed(2)} ≥`);
        },
      ),
    );
    for (const junk of [null, undefined, 3, "x", {}, { metric: "cusum" }, { metric: "incident", statistic: 1 }])
      expect(demotionCause(junk)).toBeNull();
  });
});
