// Invitations (SPEC §3 rule 10): the token leaves the server once, in the admin's answer; only its
// SHA-256 is stored. Accepting sets the invitee's own password and spends the token in one update.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { appendAudit } from "@/lib/audit/mutations";
import { hashPassword } from "@/lib/auth/password";
import { domainError } from "@/lib/errors";
import { checkInvitationAcceptance } from "@/lib/gating/invitations";
import { acceptInvitationSchema, type AcceptInvitationInput } from "./schema";

/** 256 random bits, base64url (43 characters): a fast hash is enough to store it. */
export function newInvitationToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The page's link; the token rides in the fragment, which browsers never send to a server or log. */
export const invitationPath = (token: string) => `/invitation#${token}`;

export async function acceptInvitation(db: Db, input: AcceptInvitationInput, now = new Date()) {
  const data = acceptInvitationSchema.parse(input);
  const hash = hashInvitationToken(data.token);
  const passwordHash = await hashPassword(data.password);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { invitationHash: hash },
      select: { id: true, email: true, disabled: true, invitationHash: true, invitationExpiresAt: true },
    });
    const check = checkInvitationAcceptance(user && !user.disabled ? user : null, now);
    if (!check.ok || !user) throw domainError(check.ok ? INVALID : check);
    // Single use: only the update that still finds the token spends it.
    const spent = await tx.user.updateMany({
      where: { id: user.id, invitationHash: hash },
      data: { passwordHash, invitationHash: null, invitationExpiresAt: null },
    });
    if (spent.count !== 1) throw domainError(INVALID);
    await appendAudit(
      tx,
      {
        actor: { type: "user", id: user.id, label: user.email },
        kind: "user.invitation_accepted",
        entityType: "user",
        entityId: user.id,
        data: {},
      },
      now,
    );
    return { email: user.email };
  });
}

const INVALID = {
  code: "invitation_invalid" as const,
  message: "this invitation link is unknown, already used or expired",
};
