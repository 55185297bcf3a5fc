import type { z } from "zod";
import { AppError, isErrorCode } from "./index";

/** Field-level problems of a zod error, as the `details` of a validation_failed error. */
export function zodDetails(error: z.ZodError): { issues: Array<{ path: string; message: string }> } {
  return {
    issues: error.issues
      .slice(0, 50)
      .map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message })),
  };
}

/**
 * A zod refusal as the one error model: `validation_failed`, unless every problem is one field rule that
 * names its own code (a rationale that is not words: `rationale_too_short`), which then keeps it.
 */
export function zodError(error: z.ZodError, message: string): AppError {
  const codes = new Set(
    error.issues.map((i) =>
      i.code === "custom" ? (i.params as { errorCode?: unknown } | undefined)?.errorCode : null,
    ),
  );
  const [only] = codes;
  if (codes.size === 1 && typeof only === "string" && isErrorCode(only))
    return new AppError(only, error.issues[0]!.message, zodDetails(error));
  return new AppError("validation_failed", message, zodDetails(error));
}
