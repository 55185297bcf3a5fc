import { methods, route, json } from "@/lib/http/route";
import { getDatabase } from "@/lib/db";
import { readiness } from "@/lib/db/readiness";
import { jobsState } from "@/lib/jobs";
import { isShuttingDown } from "@/lib/shutdown";

export const dynamic = "force-dynamic";

/**
 * Readiness: the database answers and every migration on disk is applied (503 otherwise, and while
 * the instance shuts down). `jobsLeader` tells whether this instance runs the background jobs.
 */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/ready",
    auth: "public",
    handler: async () => {
      const result = await readiness(await getDatabase());
      const shuttingDown = isShuttingDown();
      const ready = result.ready && !shuttingDown;
      return json({ ...result, ready, shuttingDown, jobsLeader: jobsState.leader }, { status: ready ? 200 : 503 });
    },
  }),
});
