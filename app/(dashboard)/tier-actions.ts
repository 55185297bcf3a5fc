"use server";
// Demote and freeze name the state they were decided on (SPEC §3 rule 11): the tier shown and its
// stateVersion. If either moved, the mutation answers 409 with what changed and changes nothing, so
// a second click of one form, or two reviewers demoting at once, demote once.
import { z } from "zod";
import { defineAction } from "@/lib/http/action";
import { demoteManually, setFrozen } from "@/lib/action-types/mutations";
import { TIERS } from "@/lib/gating/types";

const stateVersion = z.int({ error: "the state this was decided on (stateVersion) is required" }).min(0);

export const demoteAction = defineAction({
  name: "demote",
  permission: "tier:demote",
  input: z.strictObject({
    actionTypeId: z.uuid(),
    fromTier: z.enum(TIERS),
    stateVersion,
    toTier: z.enum(TIERS).optional(),
    rationale: z.string().max(2000),
  }),
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
  input: z.strictObject({ actionTypeId: z.uuid(), frozen: z.boolean(), stateVersion, rationale: z.string().max(2000) }),
  run: ({ db, user, input }) =>
    setFrozen(db, user, {
      actionTypeId: input.actionTypeId,
      frozen: input.frozen,
      rationale: input.rationale,
      expected: { frozen: !input.frozen, stateVersion: input.stateVersion },
    }),
});
