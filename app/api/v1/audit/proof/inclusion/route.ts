import { inclusionProof } from "@/lib/audit/transparency";
import { proofQuery } from "@/lib/audit/schema";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** RFC 9162 inclusion proof of leaf `index` (entry seq index+1) in the tree of `size` entries; base64 hashes. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/v1/audit/proof/inclusion",
    auth: "session",
    permission: "audit:read",
    query: proofQuery("index", "size"),
    handler: async ({ db, query }) => inclusionProof(db, query.index, query.size),
  }),
});
