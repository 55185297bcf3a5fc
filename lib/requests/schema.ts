// Input schemas of review requests: the server actions, the dashboard route and page, and the forms'
// types (z.input) read them here.
import { z } from "zod";
import { REQUEST_KINDS, REQUEST_STATUSES, REVIEW_DECISIONS } from "@cwr/gating/types";
import { rationaleProblem } from "@cwr/gating/rationale";
import { rationaleText } from "@/lib/forms/fields";

/** A request a person opens; policy changes are opened by the policy editor, not by this form. */
export const openRequestInputSchema = z
  .strictObject({
    actionTypeId: z.uuid(),
    kind: z.enum(REQUEST_KINDS).exclude(["policy_change"]),
    justification: z.string().max(4000).optional(),
  })
  .superRefine((r, ctx) => {
    // An override needs a written justification (SPEC §3 rule 5); a promotion's note is optional.
    const problem = r.kind === "override" ? rationaleProblem(r.justification, "justification") : null;
    if (problem)
      ctx.addIssue({
        code: "custom",
        path: ["justification"],
        message: problem,
        params: { errorCode: "justification_too_short" },
      });
  });
export type OpenRequestInput = z.input<typeof openRequestInputSchema>;

/** SHA-256, lowercase hex: the snapshot a reviewer was shown. */
const SNAPSHOT_HASH = /^[0-9a-f]{64}$/;

export const reviewInputSchema = z.strictObject({
  requestId: z.uuid(),
  decision: z.enum(REVIEW_DECISIONS),
  rationale: rationaleText(4000),
  snapshotHash: z.string({ error: "the snapshot hash you judged is required" }).regex(SNAPSHOT_HASH),
});
export type ReviewRequestInput = z.input<typeof reviewInputSchema>;

/** Withdraw or apply: the request alone. */
export const requestIdInputSchema = z.strictObject({ requestId: z.uuid() });

/** The requests list's tabs: a status, every request, or the ones awaiting my review. */
export const REQUEST_TABS = [...REQUEST_STATUSES, "all", "awaiting"] as const;
export const requestsQuerySchema = z.strictObject({
  status: z.enum(REQUEST_TABS).optional(),
  action: z.uuid().optional(),
});
