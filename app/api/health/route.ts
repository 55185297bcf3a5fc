import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Liveness: the process answers. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({ name: "GET /api/health", auth: "public", handler: async () => ({ status: "ok" }) }),
});
