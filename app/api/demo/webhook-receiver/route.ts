import { AppError } from "@/lib/errors";
import { methods, route } from "@/lib/http/route";
import { DEMO_RECEIVER_MAX_BYTES, demoReceived, receiveDemoWebhook } from "@/lib/notifications/demo-receiver";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  /** Public like any webhook receiver; it keeps only deliveries signed by an endpoint aimed at it. */
  POST: route({
    name: "POST /api/demo/webhook-receiver",
    auth: "public",
    handler: async ({ db, req }) => {
      if (Number(req.headers.get("content-length") ?? 0) > DEMO_RECEIVER_MAX_BYTES)
        throw new AppError("payload_too_large", "Deliveries to the demo receiver are at most 64 KB.");
      const body = await req.text();
      if (body.length > DEMO_RECEIVER_MAX_BYTES)
        throw new AppError("payload_too_large", "Deliveries to the demo receiver are at most 64 KB.");
      const ok = await receiveDemoWebhook(
        db,
        {
          id: req.headers.get("webhook-id"),
          timestamp: req.headers.get("webhook-timestamp"),
          signature: req.headers.get("webhook-signature"),
        },
        body,
      );
      // Not an auth failure of the caller (anyone may post): the message itself is not signed right.
      if (!ok) throw new AppError("bad_request", "The webhook signature does not verify.");
      return { received: true };
    },
  }),
  GET: route({
    name: "GET /api/demo/webhook-receiver",
    auth: "session",
    permission: "admin:manage",
    handler: async () => ({ received: demoReceived() }),
  }),
});
