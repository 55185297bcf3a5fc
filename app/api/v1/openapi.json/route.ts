import { methods, route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/http/openapi";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/v1/openapi.json",
    auth: "public",
    handler: async ({ req }) => openApiDocument(new URL(req.url).origin),
  }),
});
