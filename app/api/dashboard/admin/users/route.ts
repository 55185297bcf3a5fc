import { listUsers } from "@/lib/users/data";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/admin/users",
    auth: "session",
    permission: "admin:manage",
    handler: async ({ db }) => ({ users: await listUsers(db) }),
  }),
});
