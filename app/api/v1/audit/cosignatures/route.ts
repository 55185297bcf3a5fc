import { acceptCosignature } from "@/lib/witnesses/mutations";
import { cosignatureSubmitSchema } from "@/lib/witnesses/schema";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * A witness posts its C2SP cosignature of a checkpoint it found consistent with the last one it
 * cosigned (`npm run audit:witness`). Public: only a valid cosignature by a trusted witness key, over a
 * checkpoint this log signed, is kept.
 */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route({
    name: "POST /api/v1/audit/cosignatures",
    auth: "public",
    body: cosignatureSubmitSchema,
    handler: async ({ db, body }) => acceptCosignature(db, body),
  }),
});
