// Issue 25 item 2: an automatic demotion explains itself in one line of words; the detector's numbers
// stay behind Details.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./defaults";
import { evaluateDemotion } from "./demotion";
import { cusumRunShare, demotionCause } from "./demotion-words";
import { cusumStep } from "./statistics";

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
    expect(c.summary).toBe(
      "27 of the last 140 outcomes failed, with a recent run of more than 29% failures (it accepts 20%): the detector's alarm was reached.",
    );
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
          if (v.action !== "demote" || v.breached.metric !== "cusum") return;
          const { q0, q1 } = v.breached;
          // stored as JSON in the tier change: what the timeline reads back
          const c = demotionCause(JSON.parse(JSON.stringify(v.breached)))!;
          expect(c.summary).toBe(
            `${(n - s).toLocaleString("en-US")} of the last ${n.toLocaleString("en-US")} outcome${n === 1 ? "" : "s"} failed, ` +
              `with a recent run of more than ${Math.floor(cusumRunShare(q0, q1) * 100)}% failures (it accepts ${Math.round(q0 * 100)}%): the detector's alarm was reached.`,
          );
          expect(c.details).toContain(`${cusum.toFixed(2)} ≥`);
        },
      ),
    );
    for (const junk of [null, undefined, 3, "x", {}, { metric: "cusum" }, { metric: "incident", statistic: 1 }])
      expect(demotionCause(junk)).toBeNull();
  });

  it("'a recent run of more than k% failures' is true whenever the detector stands above zero", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.4, noNaN: true }),
        fc.double({ min: 0.02, max: 0.5, noNaN: true }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }),
        (q0, gap, failures) => {
          const q1 = Math.min(0.99, q0 + gap);
          const k = cusumRunShare(q0, q1);
          expect(k).toBeGreaterThan(q0);
          expect(k).toBeLessThan(q1);
          let w = 0;
          failures.forEach((f, t) => {
            w = cusumStep(w, f, q0, q1);
            if (w <= 1e-12) return;
            // some stretch ending now fails at a share above k
            let bad = 0;
            let found = false;
            for (let i = t; i >= 0 && !found; i--) {
              if (failures[i]) bad++;
              found = bad / (t - i + 1) > k;
            }
            expect(found).toBe(true);
          });
        },
      ),
    );
  });
});
