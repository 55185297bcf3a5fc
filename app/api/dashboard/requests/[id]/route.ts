import { z } from "zod";
import { reviewPage } from "@/lib/requests/review-page";
import { AppError } from "@/lib/errors";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/requests/{id}",
    auth: "session",
    permission: "dashboard:read",
    params: z.strictObject({ id: z.uuid() }),
    handler: async ({ db, params, user }) => {
      const page = await reviewPage(db, params.id, user);
      if (!page) throw new AppError("not_found", "No such request.");
      return page;
    },
  }),
});
