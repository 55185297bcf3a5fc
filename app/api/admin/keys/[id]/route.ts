import { z } from "zod";
import { methods, route } from "@/lib/http/route";
import { revokeApiKey } from "@/lib/keys/mutations";
import { userActor } from "@/lib/auth/actor";

export const dynamic = "force-dynamic";

/** Admin: revoke an API key. The key stops working at once; revoking twice is a 409. */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  DELETE: route({
    name: "DELETE /api/admin/keys/{id}",
    auth: "session",
    permission: "admin:manage",
    params: z.strictObject({ id: z.uuid() }),
    handler: async ({ db, user, params }) => {
      return revokeApiKey(db, userActor(user), { keyId: params.id });
    },
  }),
});
