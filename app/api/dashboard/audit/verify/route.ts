import { verifyAuditLogForReaders } from "@/lib/audit/verify-db";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * The chain, checked against the signed checkpoints: names the first bad entry (SPEC §2 Audit entry).
 * Counts stop at the seal horizon while requests are open (blind review, lib/audit/seal.ts).
 */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/audit/verify",
    auth: "session",
    permission: "audit:read",
    handler: async ({ db }) => verifyAuditLogForReaders(db),
  }),
});
