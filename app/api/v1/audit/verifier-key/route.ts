import { auditVerifierKey } from "@/lib/audit/transparency";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The checkpoints' public verifier key, in the signed-note format (`note.NewVerifier` reads it). Public. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/v1/audit/verifier-key",
    auth: "public",
    handler: async () =>
      new Response(`${auditVerifierKey()}\n`, { headers: { "content-type": "text/plain; charset=utf-8" } }),
  }),
});
