"use server";
// The suggestions queue: a person with suggestion:decide accepts, accepts with edited parameters or
// rejects with a reason. The parameters are validated like the API's (lib/proposals/schema.ts).
import { defineAction } from "@/lib/http/action";
import { decideSuggestion } from "@/lib/proposals/mutations";
import { queueDecisionSchema } from "@/lib/proposals/schema";

export const decideSuggestionAction = defineAction({
  name: "decide suggestion",
  permission: "suggestion:decide",
  input: queueDecisionSchema,
  run: ({ db, user, input }) => decideSuggestion(db, user, input.id, input.decision),
});
