// Input of WALK's contract (issue 22 item 5): one entry's text, validated and stored in its one spelling.
import { z } from "zod";
import { contractEntryText, MAX_CONTRACT_ENTRY_LENGTH, parseContractEntry } from "@cwr/gating/contract";
import { referenceSchema } from "@/lib/events/schema";
import { pickedId } from "@/lib/forms/fields";

const ENTRY_HELP =
  "an exact subject id (ops-bot-7), a prefix ending in * (staff:*) or an e-mail domain (*@acme.example); a bare * is not allowed";

/** An entry's text: checked by the pure parser, returned as stored (e-mail domains lower-cased). */
export const contractEntrySchema = referenceSchema(MAX_CONTRACT_ENTRY_LENGTH)
  .transform((text, ctx) => {
    const entry = parseContractEntry(text.trim());
    if (!entry) {
      ctx.addIssue({ code: "custom", message: ENTRY_HELP });
      return z.NEVER;
    }
    return contractEntryText(entry);
  })
  .describe(ENTRY_HELP);

export const contractAdditionSchema = z.strictObject({
  agentId: pickedId("an agent"),
  entry: contractEntrySchema,
  reason: z.string().max(2000).default(""),
});

export const contractDecisionSchema = z.strictObject({
  requestId: pickedId("a request"),
  decision: z.enum(["approve", "reject"]),
  rationale: z.string().max(2000),
  /** the snapshot the reviewer was shown; refused if it is not the request's (the form sends it) */
  snapshotHash: z.string().max(128).optional(),
});

export const contractWithdrawalSchema = z.strictObject({ requestId: pickedId("a request") });

export const contractRemovalSchema = z.strictObject({
  agentId: pickedId("an agent"),
  entry: contractEntrySchema,
});
