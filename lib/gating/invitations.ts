// SPEC §3 rule 10: nobody knows another person's password. A new local account is an invitation: a
// single-use link, valid for 72 hours, with which the invitee sets their own password.

export const INVITATION_TTL_MS = 72 * 60 * 60 * 1000;

export function invitationExpiry(now: Date): Date {
  return new Date(now.getTime() + INVITATION_TTL_MS);
}

export interface InvitationState {
  invitationHash: string | null;
  invitationExpiresAt: Date | null;
}

/** Invited and not yet accepted: nobody but whoever holds the link has claimed this account. */
export function invitationPending(user: InvitationState): boolean {
  return user.invitationHash !== null;
}

/** May this invitation be accepted now? Unknown, used and expired links are refused alike. */
export function checkInvitationAcceptance(
  user: InvitationState | null,
  now: Date,
): { ok: true } | { ok: false; code: "invitation_invalid"; message: string } {
  if (!user || !user.invitationHash || !user.invitationExpiresAt || user.invitationExpiresAt <= now)
    return {
      ok: false,
      code: "invitation_invalid",
      message: "this invitation link is unknown, already used or expired; ask an admin for a new one",
    };
  return { ok: true };
}
