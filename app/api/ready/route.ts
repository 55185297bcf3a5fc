import { methods, route, json } from "@/lib/http/route";
import { getDatabase } from "@/lib/db";
import { readiness } from "@/lib/db/readiness";

export const dynamic = "force-dynamic";

/** Readiness: the database answers and every migration on disk is applied. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/ready",
    auth: "public",
    handler: async () => {
      const result = await readiness(await getDatabase());
      return json(result, { status: result.ready ? 200 : 503 });
    },
  }),
});
