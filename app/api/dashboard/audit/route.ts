import { listAudit } from "@/lib/audit/data";
import { parseAuditQuery, toAuditFilter } from "@/lib/audit/schema";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/audit",
    auth: "session",
    permission: "audit:read",
    handler: async ({ db, req }) => {
      const query = parseAuditQuery(req.url);
      return listAudit(db, toAuditFilter(query), { before: query.before });
    },
  }),
});
