// Invitation tokens (SPEC §3 rule 10): the token leaves the server once, in the admin's answer; only
// its SHA-256 is stored (lib/users/mutations.ts acceptInvitation spends it).
import { createHash, randomBytes } from "node:crypto";

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
