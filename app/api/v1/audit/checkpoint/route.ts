import { publishedCheckpoint } from "@/lib/audit/transparency";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * The newest signed checkpoint of the audit tree (issue 24): a C2SP tlog-checkpoint signed note, as
 * text, with the trusted witnesses' cosignatures. Within the seal horizon only (lib/audit/seal.ts). Public,
 * as a transparency log's checkpoints are: it says no more than how many entries readers may see.
 */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/v1/audit/checkpoint",
    auth: "public",
    handler: async ({ db }) =>
      new Response(await publishedCheckpoint(db), {
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      }),
  }),
});
