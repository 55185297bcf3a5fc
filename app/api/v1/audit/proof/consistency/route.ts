import { consistencyProof } from "@/lib/audit/transparency";
import { proofQuery } from "@/lib/audit/schema";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** RFC 9162 consistency proof between the trees of `from` and `to` entries; base64 hashes. Public, for
 * witnesses (hashes only, within the seal horizon). */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/v1/audit/proof/consistency",
    auth: "public",
    query: proofQuery("from", "to"),
    handler: async ({ db, query }) => consistencyProof(db, query.from, query.to),
  }),
});
