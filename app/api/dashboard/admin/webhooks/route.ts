import { listWebhookEndpoints } from "@/lib/notifications/data";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Endpoints with their delivery counts; secrets are shown once, at creation, and never served. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/admin/webhooks",
    auth: "session",
    permission: "admin:manage",
    handler: async ({ db }) => ({ endpoints: await listWebhookEndpoints(db) }),
  }),
});
