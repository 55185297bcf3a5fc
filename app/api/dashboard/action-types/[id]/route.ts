import { z } from "zod";
import { actionTypeDetail } from "@/lib/action-types/detail";
import { AppError } from "@/lib/errors";
import { methods, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/action-types/{id}",
    auth: "session",
    permission: "dashboard:read",
    params: z.strictObject({ id: z.uuid() }),
    handler: async ({ db, params, user }) => {
      const detail = await actionTypeDetail(db, params.id, new Date(), user);
      if (!detail) throw new AppError("not_found", "No such action type.");
      return detail;
    },
  }),
});
