"use server";
import { z } from "zod";
import { defineAction } from "@/lib/http/action";
import { demoteManually, setFrozen } from "@/lib/action-types/mutations";
import { TIERS } from "@/lib/gating/types";

export const demoteAction = defineAction({
  name: "demote",
  permission: "tier:demote",
  input: z.strictObject({ actionTypeId: z.uuid(), toTier: z.enum(TIERS).optional(), rationale: z.string().max(2000) }),
  run: ({ db, user, input }) => demoteManually(db, user, input),
});

export const freezeAction = defineAction({
  name: "freeze",
  permission: "tier:demote",
  input: z.strictObject({ actionTypeId: z.uuid(), frozen: z.boolean(), rationale: z.string().max(2000) }),
  run: ({ db, user, input }) => setFrozen(db, user, input),
});
