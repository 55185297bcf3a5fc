"use server";
import { definePublicAction } from "@/lib/http/action";
import { acceptInvitation } from "@/lib/users/mutations";
import { acceptInvitationSchema } from "@/lib/users/schema";

/** No session: the single-use token is the credential (SPEC §3 rule 10). */
export const acceptInvitationAction = definePublicAction({
  name: "accept invitation",
  input: acceptInvitationSchema,
  run: ({ db, input }) => acceptInvitation(db, input),
});
