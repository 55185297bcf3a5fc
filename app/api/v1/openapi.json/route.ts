import { methods, route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/http/openapi";
import { publicBaseUrl } from "@/lib/urls/public-url";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/v1/openapi.json",
    auth: "public",
    handler: async () => openApiDocument(publicBaseUrl()),
  }),
});
