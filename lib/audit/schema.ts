import { z } from "zod";
import type { AuditFilter } from "./data";
import { AppError } from "@/lib/errors";
import { zodDetails } from "@/lib/errors/zod";
import { INGESTION_MODES } from "./kinds";

/** Dates the database can hold and people mean: years 1970–9999 (a year-0000 filter used to answer 500). */
const iso = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .refine((s) => {
    const year = Number(s.slice(0, 4));
    return year >= 1970 && year <= 9999 && Number.isFinite(Date.parse(s));
  }, "a date between 1970 and 9999");
/** Text the database can compare: no NUL or other control characters (actor=%00 used to answer 500). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, "no control characters");
const MAX_SEQ = 9_223_372_036_854_775_807n; // the largest bigint

/** The audit filter as it arrives in a query string (the page, the list route and the export share it). */
export const auditQuerySchema = z.strictObject({
  agent: z.uuid().optional(),
  actionType: z.uuid().optional(),
  actor: text(200).optional(),
  kind: text(100).optional(),
  from: iso.optional(),
  to: iso.optional(),
  /** agents' outcome batches: hidden unless asked for (or the kind filter names them) */
  ingestion: z.enum(INGESTION_MODES).optional(),
  /** people's sign-ins and sign-outs: the page hides them unless asked for (or the kind filter names them) */
  signins: z.enum(INGESTION_MODES).optional(),
  /** the list's opaque page cursor (lib/audit/cursor.ts), or a seq (clamped to the seal horizon) */
  before: z
    .string()
    .regex(/^(\d{1,19}|[A-Za-z0-9_-]{48})$/)
    // zod runs this even when the regex failed: guard it, or "-1null" throws inside BigInt (a 500).
    .refine(
      (s) => /^[A-Za-z0-9_-]{48}$/.test(s) || (/^\d{1,19}$/.test(s) && BigInt(s) <= MAX_SEQ),
      "a page cursor, or a sequence number the log can have",
    )
    .optional(),
  format: z.enum(["csv", "json"]).optional(),
});

/** Query parse for the audit routes: a bad filter is a 422 with the fields, before anything streams. */
export function parseAuditQuery(url: string): AuditQuery {
  const parsed = auditQuerySchema.safeParse(Object.fromEntries(new URL(url).searchParams));
  if (!parsed.success) throw new AppError("validation_failed", "Some filters are not valid.", zodDetails(parsed.error));
  return parsed.data;
}

export type AuditQuery = z.infer<typeof auditQuerySchema>;

export function toAuditFilter(q: AuditQuery): AuditFilter {
  const date = (s: string | undefined, endOfDay: boolean) =>
    s ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T${endOfDay ? "23:59:59.999" : "00:00:00.000"}Z` : s) : undefined;
  const from = date(q.from, false);
  const to = date(q.to, true);
  return {
    ...(q.agent ? { agentId: q.agent } : {}),
    ...(q.actionType ? { actionTypeId: q.actionType } : {}),
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.ingestion ? { ingestion: q.ingestion } : {}),
    ...(q.signins ? { signins: q.signins } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/** A tree index or size in a proof query: a whole number (decimal, no sign), at most 2^53 − 1. */
const treeNumber = z
  .string()
  .regex(/^\d{1,16}$/, "a whole number")
  .transform(Number)
  .refine(Number.isSafeInteger, "at most 2^53 − 1");

/** The query of a proof route: two tree numbers, both required (e.g. index and size). */
export function proofQuery<A extends string, B extends string>(a: A, b: B) {
  return z.strictObject({ [a]: treeNumber, [b]: treeNumber } as Record<A | B, typeof treeNumber>);
}
