import type { z } from "zod";

/** Field-level problems of a zod error, as the `details` of a validation_failed error. */
export function zodDetails(error: z.ZodError): { issues: Array<{ path: string; message: string }> } {
  return {
    issues: error.issues
      .slice(0, 50)
      .map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message })),
  };
}
