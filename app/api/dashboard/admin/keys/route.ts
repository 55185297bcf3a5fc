import { listApiKeys } from "@/lib/keys/data";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Key metadata only: secrets are shown once, at creation, and never served again. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/admin/keys",
    auth: "session",
    permission: "admin:manage",
    handler: async ({ db }) => ({ keys: await listApiKeys(db) }),
  }),
});
