import { cachedAgentTiers } from "@/lib/action-types/tier-cache";
import { json, methods, route } from "@/lib/http/route";
import { agentOf } from "@/lib/http/principal";
import { matchesIfNoneMatch, strongEtag } from "@/lib/http/etag";
import { ofrepEvaluation, ofrepRequestSchema, renderOfrepError } from "@/lib/http/ofrep";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /ofrep/v1/evaluate/flags",
    auth: "key",
    body: ofrepRequestSchema,
    renderError: renderOfrepError,
    handler: async ({ req, db, principal }) => {
      const flags = (await cachedAgentTiers(db, agentOf(principal).agentId)).map(ofrepEvaluation);
      const etag = strongEtag(JSON.stringify(flags));
      const headers = { etag, "cache-control": "no-cache" };
      if (matchesIfNoneMatch(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
      const origin = new URL(req.url).origin;
      return json({ flags, eventStreams: [{ type: "sse", url: `${origin}/api/v1/tiers/stream` }] }, { headers });
    },
  }),
});
