"use server";
// Demote and freeze name the state they were decided on (SPEC §3 rule 11): the tier shown and its
// stateVersion. If either moved, the mutation answers 409 with what changed and changes nothing, so
// a second click of one form, or two reviewers demoting at once, demote once.
import { defineAction } from "@/lib/http/action";
import { demoteManually, setFrozen } from "@/lib/action-types/mutations";
import { demoteInputSchema, freezeInputSchema } from "@/lib/action-types/schema";

export const demoteAction = defineAction({
  name: "demote",
  permission: "tier:demote",
  input: demoteInputSchema,
  run: ({ db, user, input }) =>
    demoteManually(db, user, {
      actionTypeId: input.actionTypeId,
      rationale: input.rationale,
      ...(input.toTier ? { toTier: input.toTier } : {}),
      expected: { tier: input.fromTier, stateVersion: input.stateVersion },
    }),
});

export const freezeAction = defineAction({
  name: "freeze",
  permission: "tier:demote",
  input: freezeInputSchema,
  run: ({ db, user, input }) =>
    setFrozen(db, user, {
      actionTypeId: input.actionTypeId,
      frozen: input.frozen,
      rationale: input.rationale,
      expected: { frozen: !input.frozen, stateVersion: input.stateVersion },
    }),
});
