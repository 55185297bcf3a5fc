import fc from "fast-check";
import type { z } from "zod";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { PolicyRules } from "@cwr/gating/types";
import { sliderOf } from "@cwr/gating/slider";
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

describe("policyRulesSchema and PolicyRules", () => {
  // lib/gating cannot import this schema (the pure core imports only itself), so PolicyRules is written out
  // there, field by field with its meaning; the type checker holds the two equal (npx tsc fails otherwise).
  it("are the same type", () => {
    expectTypeOf<z.output<typeof policyRulesSchema>>().toEqualTypeOf<PolicyRules>();
  });
});
