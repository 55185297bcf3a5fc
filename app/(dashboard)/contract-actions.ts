"use server";
// WALK's contract: admins ask to add an internal subject (a loosening, reviewed blind by a quorum on its
// request page) and remove one at once; reviewers review an addition; its requester may withdraw it.
import { defineAction } from "@/lib/http/action";
import {
  decideContractAddition,
  removeContractEntry,
  requestContractAddition,
  withdrawContractAddition,
} from "@/lib/contracts/mutations";
import {
  contractAdditionSchema,
  contractDecisionSchema,
  contractRemovalSchema,
  contractWithdrawalSchema,
} from "@/lib/contracts/schema";

export const requestContractAdditionAction = defineAction({
  name: "request contract addition",
  permission: "admin:manage",
  input: contractAdditionSchema,
  run: ({ db, user, input }) => requestContractAddition(db, user, input),
});

export const decideContractAdditionAction = defineAction({
  name: "review contract addition",
  permission: "request:review",
  input: contractDecisionSchema,
  run: ({ db, user, input }) => decideContractAddition(db, user, input),
});

export const withdrawContractAdditionAction = defineAction({
  name: "withdraw contract addition",
  permission: "admin:manage",
  input: contractWithdrawalSchema,
  run: ({ db, user, input }) => withdrawContractAddition(db, user, input),
});

export const removeContractEntryAction = defineAction({
  name: "remove contract entry",
  permission: "admin:manage",
  input: contractRemovalSchema,
  run: ({ db, user, input }) => removeContractEntry(db, user, input),
});
