"use server";
import { z } from "zod";
import { defineAction } from "@/lib/http/action";
import { applyRequest, openPromotionRequest, reviewRequest, withdrawRequest } from "@/lib/requests/mutations";

export const openRequestAction = defineAction({
  name: "open request",
  permission: "request:open",
  input: z.strictObject({
    actionTypeId: z.uuid(),
    kind: z.enum(["promotion", "override"]),
    justification: z.string().max(4000).optional(),
  }),
  run: ({ db, user, input }) => openPromotionRequest(db, user, input),
});

export const reviewAction = defineAction({
  name: "review",
  permission: "request:review",
  input: z.strictObject({
    requestId: z.uuid(),
    decision: z.enum(["approve", "reject"]),
    rationale: z.string().max(4000),
    snapshotHash: z.string({ error: "the snapshot hash you judged is required" }).regex(/^[0-9a-f]{64}$/),
  }),
  run: ({ db, user, input }) => reviewRequest(db, user, input),
});

export const withdrawAction = defineAction({
  name: "withdraw",
  permission: "request:manage",
  input: z.strictObject({ requestId: z.uuid() }),
  run: ({ db, user, input }) => withdrawRequest(db, user, input),
});

export const applyAction = defineAction({
  name: "apply",
  permission: "request:manage",
  input: z.strictObject({ requestId: z.uuid() }),
  run: ({ db, user, input }) => applyRequest(db, user, input),
});
