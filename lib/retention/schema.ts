// The retention setting as an admin sends it (lib/admin/actions.ts): months to keep, or null to keep everything.
import { z } from "zod";
import { MAX_RETENTION_MONTHS } from "@cwr/gating/retention";

export const retentionInputSchema = z.strictObject({
  months: z
    .int({ error: "a whole number of months, or none" })
    .min(1, "at least 1 month")
    .max(MAX_RETENTION_MONTHS, `at most ${MAX_RETENTION_MONTHS} months`)
    .nullable(),
  reason: z.string().max(2000),
});
