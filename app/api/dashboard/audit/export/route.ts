import { iterateAudit } from "@/lib/audit/data";
import { exportStream } from "@/lib/audit/export";
import { parseAuditQuery, toAuditFilter } from "@/lib/audit/schema";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/audit/export",
    auth: "session",
    permission: "audit:export",
    handler: async ({ db, req }) => {
      const query = parseAuditQuery(req.url); // validated before the first byte streams
      const format = query.format ?? "csv";
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      return new Response(exportStream(iterateAudit(db, toAuditFilter(query)), format), {
        headers: {
          "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
          "content-disposition": `attachment; filename="audit-${stamp}.${format}"`,
          "cache-control": "no-store",
        },
      });
    },
  }),
});
