"use server";
// WALK's contract in Admin → Agents: admins ask to add an internal subject (a second reviewer or admin
// decides it) and remove one at once.
import { defineAction } from "@/lib/http/action";
import { decideContractAddition, removeContractEntry, requestContractAddition } from "@/lib/contracts/mutations";
import { contractAdditionSchema, contractDecisionSchema, contractRemovalSchema } from "@/lib/contracts/schema";

export const requestContractAdditionAction = defineAction({
  name: "request contract addition",
  permission: "admin:manage",
  input: contractAdditionSchema,
  run: ({ db, user, input }) => requestContractAddition(db, user, input),
});

export const decideContractAdditionAction = defineAction({
  name: "decide contract addition",
  permission: "request:review",
  input: contractDecisionSchema,
  run: ({ db, user, input }) => decideContractAddition(db, user, input),
});

export const removeContractEntryAction = defineAction({
  name: "remove contract entry",
  permission: "admin:manage",
  input: contractRemovalSchema,
  run: ({ db, user, input }) => removeContractEntry(db, user, input),
});
