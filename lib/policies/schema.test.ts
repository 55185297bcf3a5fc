import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sliderOf } from "@/lib/gating/slider";
import { validPolicy } from "../../tests/helpers/policy-arbitrary";
import { policyRulesSchema, policySliderSchema } from "./schema";

describe("policySliderSchema (the agent API's read of stored rules)", () => {
  it("reads the same slider as the whole policy's parse", () => {
    fc.assert(
      fc.property(validPolicy, fc.option(fc.constantFrom(5, 12.5, 50), { nil: undefined }), (policy, percent) => {
        const stored = percent === undefined ? policy : { ...policy, slider: { percent } };
        expect(sliderOf(policySliderSchema.parse(stored))).toEqual(sliderOf(policyRulesSchema.parse(stored)));
      }),
      { numRuns: 50 },
    );
  });

  it("reads no policy as the full slider, and refuses a slider the editor would refuse", () => {
    expect(sliderOf(policySliderSchema.parse({}))).toEqual(sliderOf({}));
    expect(policySliderSchema.safeParse({ slider: { percent: 150 } }).success).toBe(false);
    expect(policySliderSchema.safeParse({ slider: { percent: 50, steps: [50, 20] } }).success).toBe(false);
  });
});
