import { latestSignedCheckpoint, sealHorizon } from "@/lib/audit/data";
import { listWitnesses, witnessStatus } from "@/lib/witnesses/data";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The newest published checkpoint's witnesses ("witnessed by k of m"), and the trusted witness keys. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/audit/witnesses",
    auth: "session",
    permission: "audit:read",
    handler: async ({ db }) => {
      const published = await latestSignedCheckpoint(db, await sealHorizon(db));
      const [status, witnesses] = await Promise.all([witnessStatus(db, published?.size ?? null), listWitnesses(db)]);
      return { status, witnesses };
    },
  }),
});
