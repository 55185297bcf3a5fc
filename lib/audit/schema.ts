import { z } from "zod";
import type { AuditFilter } from "./data";
import { INGESTION_MODES } from "./kinds";

const iso = z.iso.datetime({ offset: true }).or(z.iso.date());

/** The audit filter as it arrives in a query string (the page, the list route and the export share it). */
export const auditQuerySchema = z.strictObject({
  agent: z.uuid().optional(),
  actionType: z.uuid().optional(),
  actor: z.string().trim().max(200).optional(),
  kind: z.string().trim().max(100).optional(),
  from: iso.optional(),
  to: iso.optional(),
  /** agents' outcome batches: hidden unless asked for (or the kind filter names them) */
  ingestion: z.enum(INGESTION_MODES).optional(),
  before: z.string().regex(/^\d{1,19}$/).optional(),
  format: z.enum(["csv", "json"]).optional(),
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;

export function toAuditFilter(q: AuditQuery): AuditFilter {
  const date = (s: string | undefined, endOfDay: boolean) => (s ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T${endOfDay ? "23:59:59.999" : "00:00:00.000"}Z` : s) : undefined);
  const from = date(q.from, false);
  const to = date(q.to, true);
  return {
    ...(q.agent ? { agentId: q.agent } : {}),
    ...(q.actionType ? { actionTypeId: q.actionType } : {}),
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.ingestion ? { ingestion: q.ingestion } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}
