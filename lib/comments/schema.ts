// Input of a comment on a request: a question or an answer. Bounded, and no control or direction-
// override characters (they hide or reorder text in the page, the audit log and the webhooks).
import { z } from "zod";

export const COMMENT_MAX = 4000;

/** C0/C1 controls except tab, newline and carriage return; bidi embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export const commentBody = z
  .string({ error: "required" })
  .max(COMMENT_MAX, `at most ${COMMENT_MAX} characters`)
  .refine((s) => !UNSAFE.test(s), "control characters are not allowed")
  .transform((s) => s.trim())
  .refine((s) => s.length > 0, "required");

export const commentInputSchema = z.strictObject({ requestId: z.uuid(), body: commentBody });
export type CommentInput = z.input<typeof commentInputSchema>;
