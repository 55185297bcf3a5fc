import { ingestEvents } from "@/lib/events/mutations";
import { methods, route } from "@/lib/http/route";
import { incrementCounter } from "@/lib/counters";
import { eventBatchSchema } from "@/lib/events/schema";
import { eventSourceOfKey } from "@cwr/gating/evidence-source";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /api/v1/events",
    auth: "key",
    keyUse: "report",
    body: eventBatchSchema,
    handler: async ({ db, agent, body }) => {
      // The source is the key's, never the body's (SPEC §8).
      const source = eventSourceOfKey(agent);
      const summary = await ingestEvents(db, { id: agent.agentId, slug: agent.agentSlug, source }, body.events);
      incrementCounter("events_ingested_total", summary.accepted);
      return {
        accepted: summary.accepted,
        duplicates: summary.duplicates,
        rejected: summary.rejected,
        results: summary.results,
      };
    },
  }),
});
