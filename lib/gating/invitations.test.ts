import { describe, expect, it } from "vitest";
import { checkInvitationAcceptance, invitationExpiry, invitationPending, INVITATION_TTL_MS } from "./invitations";

const NOW = new Date("2026-12-01T10:00:00Z");

describe("invitations (rule 10)", () => {
  it("expire 72 hours after they are issued", () => {
    expect(invitationExpiry(NOW).getTime() - NOW.getTime()).toBe(72 * 3600 * 1000);
  });

  it("are accepted only while pending and unexpired", () => {
    const pending = { invitationHash: "h", invitationExpiresAt: invitationExpiry(NOW) };
    expect(checkInvitationAcceptance(pending, NOW)).toEqual({ ok: true });
    expect(checkInvitationAcceptance(pending, new Date(NOW.getTime() + INVITATION_TTL_MS - 1))).toEqual({ ok: true });
    expect(checkInvitationAcceptance(pending, new Date(NOW.getTime() + INVITATION_TTL_MS))).toMatchObject({
      ok: false,
      code: "invitation_invalid",
    });
    expect(checkInvitationAcceptance({ invitationHash: null, invitationExpiresAt: null }, NOW)).toMatchObject({
      ok: false,
    });
    expect(checkInvitationAcceptance(null, NOW)).toMatchObject({ ok: false });
  });

  it("an account is pending until its invitation is used", () => {
    expect(invitationPending({ invitationHash: "h", invitationExpiresAt: NOW })).toBe(true);
    expect(invitationPending({ invitationHash: null, invitationExpiresAt: null })).toBe(false);
  });
});
