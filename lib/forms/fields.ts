// Field schemas whose refusals people can act on. The input schemas of lib/<feature>/schema.ts build on
// them, so a form, its server action and the mutation refuse the same input with the same words.
// Messages follow the field name in the result ("name: required"), so they do not repeat it.
import { z } from "zod";
import { rationaleProblem } from "@cwr/gating/rationale";

export const requiredText = (max: number) =>
  z.string({ error: "required" }).trim().min(1, "required").max(max, `at most ${max} characters`);

/**
 * A written rationale, justification or reason: the one rule of lib/gating/rationale.ts (SPEC §3 rule 3).
 * Its refusal carries its own error code (zodError keeps it), so a form, an action and the API say the same.
 */
export const rationaleText = (
  max: number,
  what = "rationale",
  errorCode: "rationale_too_short" | "justification_too_short" = "rationale_too_short",
) =>
  z
    .string({ error: "required" })
    .max(max, `at most ${max} characters`)
    .superRefine((text, ctx) => {
      const problem = rationaleProblem(text, what);
      if (problem) ctx.addIssue({ code: "custom", message: problem, params: { errorCode } });
    });

export const description = z.string().trim().max(2000, "at most 2000 characters").default("");

/** The id of a row the form lets people pick from a list ("pick an agent"). */
export const pickedId = (what: string) => z.uuid({ error: `pick ${what}` });

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `one of ${values.join(", ")}` });
