// Field schemas whose refusals people can act on. The input schemas of lib/<feature>/schema.ts build on
// them, so a form, its server action and the mutation refuse the same input with the same words.
// Messages follow the field name in the result ("name: required"), so they do not repeat it.
import { z } from "zod";

export const requiredText = (max: number) =>
  z.string({ error: "required" }).trim().min(1, "required").max(max, `at most ${max} characters`);

export const description = z.string().trim().max(2000, "at most 2000 characters").default("");

/** The id of a row the form lets people pick from a list ("pick an agent"). */
export const pickedId = (what: string) => z.uuid({ error: `pick ${what}` });

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `one of ${values.join(", ")}` });
