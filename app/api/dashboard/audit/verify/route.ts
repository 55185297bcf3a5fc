import { verifyAuditChain } from "@/lib/audit/data";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({ name: "GET /api/dashboard/audit/verify", auth: "session", permission: "audit:read", handler: async ({ db }) => verifyAuditChain(db) }),
});
