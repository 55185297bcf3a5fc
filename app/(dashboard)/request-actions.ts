"use server";
import { defineAction } from "@/lib/http/action";
import { applyRequest, openPromotionRequest, reviewRequest, withdrawRequest } from "@/lib/requests/mutations";
import { openRequestInputSchema, requestIdInputSchema, reviewInputSchema } from "@/lib/requests/schema";
import { addComment } from "@/lib/comments/mutations";
import { commentInputSchema } from "@/lib/comments/schema";

export const openRequestAction = defineAction({
  name: "open request",
  permission: "request:open",
  input: openRequestInputSchema,
  run: ({ db, user, input }) => openPromotionRequest(db, user, input),
});

export const reviewAction = defineAction({
  name: "review",
  permission: "request:review",
  input: reviewInputSchema,
  run: ({ db, user, input }) => reviewRequest(db, user, input),
});

export const withdrawAction = defineAction({
  name: "withdraw",
  permission: "request:manage",
  input: requestIdInputSchema,
  run: ({ db, user, input }) => withdrawRequest(db, user, input),
});

export const applyAction = defineAction({
  name: "apply",
  permission: "request:manage",
  input: requestIdInputSchema,
  run: ({ db, user, input }) => applyRequest(db, user, input),
});

export const commentAction = defineAction({
  name: "comment",
  permission: "request:comment",
  input: commentInputSchema,
  run: ({ db, user, input }) => addComment(db, user, input),
});
