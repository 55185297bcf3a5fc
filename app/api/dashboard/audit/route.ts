import { listAudit } from "@/lib/audit/data";
import { auditQuerySchema, toAuditFilter } from "@/lib/audit/schema";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/audit",
    auth: "session",
    permission: "audit:read",
    query: auditQuerySchema,
    handler: async ({ db, query }) => listAudit(db, toAuditFilter(query), query.before ? { before: BigInt(query.before) } : {}),
  }),
});
