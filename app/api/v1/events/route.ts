import { ingestEvents } from "@/lib/events/mutations";
import { methods, route } from "@/lib/http/route";
import { incrementCounter } from "@/lib/counters";
import { eventBatchSchema } from "@/lib/events/schema";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /api/v1/events",
    auth: "key",
    body: eventBatchSchema,
    handler: async ({ db, agent, body }) => {
      const summary = await ingestEvents(db, { id: agent.agentId, slug: agent.agentSlug }, body.events);
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
