import type { Db } from "@/lib/db";
import { appendAudit, SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { invitationExpiry, invitationPending } from "@cwr/gating/invitations";
import { hashInvitationToken, newInvitationToken } from "./invitations";
import { checkInvitationAcceptance } from "@cwr/gating/invitations";
import type { z } from "zod";
import type { Actor } from "@/lib/audit/mutations";
import { hashPassword } from "@/lib/auth/password";
import { conflict, AppError, domainError } from "@/lib/errors";
import type { Tx } from "@/lib/db/client";
import type { Role } from "@cwr/gating/permissions";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { rolesFromIdentityProvider } from "@/lib/auth/oidc-roles";
import { checkRoleGrantDecision, roleChangeNeedsApproval } from "@cwr/gating/role-grants";
import {
  acceptInvitationSchema,
  disableUserSchema,
  roleChangeSchema,
  roleGrantDecisionSchema,
  userInputSchema,
  type AcceptInvitationInput,
} from "./schema";
import { zodError } from "@/lib/errors/zod";
/** A sign-in is audited: it changes state (last login time). */
export async function recordLogin(db: Db, userId: string, method: "credentials" | "oidc", now = new Date()) {
  await db.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: userId }, data: { lastLoginAt: now }, select: { email: true } });
    await appendAudit(
      tx,
      {
        actor: { type: "user", id: userId, label: user.email },
        kind: "user.login",
        entityType: "user",
        entityId: userId,
        data: { method },
      },
      now,
    );
  });
}

/**
 * OpenID Connect users are created on first sign-in as viewers; a second person grants review power
 * (rule 10). With AUTH_OIDC_ROLES_CLAIM, `role` comes from the identity provider on every sign-in.
 */
export async function upsertOidcUser(db: Db, input: { email: string; name: string; role?: Role }, now = new Date()) {
  const email = input.email.trim().toLowerCase();
  return db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email } });
    if (existing) {
      const role = input.role ?? existing.role;
      // An invited account first signing in through the identity provider: its owner has claimed it.
      await tx.user.update({
        where: { id: existing.id },
        data: { lastLoginAt: now, role, invitationHash: null, invitationExpiresAt: null },
      });
      if (role !== existing.role)
        await appendAudit(
          tx,
          {
            actor: { type: "system", label: "identity provider" },
            kind: "user.role_changed",
            entityType: "user",
            entityId: existing.id,
            data: { from: existing.role, to: role, via: "oidc_claim" },
          },
          now,
        );
      await appendAudit(
        tx,
        {
          actor: { type: "user", id: existing.id, label: email },
          kind: "user.login",
          entityType: "user",
          entityId: existing.id,
          data: { method: "oidc" },
        },
        now,
      );
      return { ...existing, role };
    }
    const role = input.role ?? "viewer";
    const created = await tx.user.create({ data: { email, name: input.name, role, lastLoginAt: now } });
    await appendAudit(
      tx,
      {
        actor: { type: "user", id: created.id, label: email },
        kind: "user.created",
        entityType: "user",
        entityId: created.id,
        data: { via: "oidc", role, ...(input.role ? { roleFrom: "oidc_claim" } : {}) },
      },
      now,
    );
    return created;
  });
}

/**
 * Review power (reviewer, admin) is never given by one person (SPEC §3 rule 10): a person asking for it
 * opens a role grant that another reviewer or admin decides. The system actor (demo seed, the
 * operator's bootstrap CLI, which needs shell access to the database) grants directly.
 */
async function needsSecondPerson(actor: Actor, from: Role, to: Role): Promise<boolean> {
  if (!roleChangeNeedsApproval(from, to)) return false;
  if (actor.type !== "user") return false;
  if (rolesFromIdentityProvider())
    throw domainError({
      code: "roles_from_identity_provider",
      message: "Roles come from the identity provider (AUTH_OIDC_ROLES_CLAIM); grant review power there",
    });
  return true;
}

async function openGrant(
  tx: Tx,
  actor: Extract<Actor, { type: "user" }>,
  user: { id: string; email: string },
  from: Role,
  to: Role,
  reason: string,
  now: Date,
) {
  // One open grant per user: a newer ask replaces the older one.
  await tx.roleGrant.updateMany({
    where: { userId: user.id, status: "open" },
    data: { status: "withdrawn", decidedAt: now },
  });
  const grant = await tx.roleGrant.create({
    data: {
      userId: user.id,
      role: to,
      fromRole: from,
      requestedById: actor.id,
      requestedByLabel: actor.label,
      reason,
      createdAt: now,
    },
    select: { id: true },
  });
  await appendAudit(
    tx,
    {
      actor,
      kind: "user.role_grant_requested",
      entityType: "user",
      entityId: user.id,
      data: { grantId: grant.id, email: user.email, from, to, reason },
    },
    now,
  );
  return grant.id;
}

/**
 * A new account. Made by a person, a local account is an invitation (rule 10): no password, a
 * single-use token shown once in the answer (stored hashed) with which the invitee sets their own,
 * valid 72 h. Review power asked for it is a grant another person decides, once the invitation is
 * accepted. The system (the operator's CLI, OpenID Connect accounts) creates accounts without one.
 */
export async function createUser(db: Db, actor: Actor, input: z.input<typeof userInputSchema>, now = new Date()) {
  return createAccount(db, actor, userInputSchema.parse(input), now, null);
}

async function createAccount(
  db: Db,
  actor: Actor,
  data: z.output<typeof userInputSchema>,
  now: Date,
  passwordHash: string | null,
) {
  const pending = await needsSecondPerson(actor, "viewer", data.role);
  const invitation = actor.type === "user" && !passwordHash ? newInvitationToken() : null;
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: data.email }, select: { id: true } }))
      throw conflict(`A user with email ${data.email} already exists.`);
    const role: Role = pending ? "viewer" : data.role;
    const expiresAt = invitation ? invitationExpiry(now) : null;
    const user = await tx.user.create({
      data: {
        email: data.email,
        name: data.name,
        role,
        createdAt: now,
        passwordHash,
        invitationHash: invitation?.hash ?? null,
        invitationExpiresAt: expiresAt,
      },
      select: { id: true, email: true, name: true, role: true },
    });
    await appendAudit(
      tx,
      {
        actor,
        kind: "user.created",
        entityType: "user",
        entityId: user.id,
        data: {
          email: user.email,
          role: user.role,
          ...(pending ? { asked: data.role } : {}),
          ...(expiresAt ? { invitationExpiresAt: expiresAt.toISOString() } : {}),
        },
      },
      now,
    );
    const grantId =
      pending && actor.type === "user"
        ? await openGrant(tx, actor, user, "viewer", data.role, "new account", now)
        : null;
    return {
      ...user,
      pendingRole: pending ? data.role : null,
      grantId,
      invitation: invitation && expiresAt ? { token: invitation.token, expiresAt: expiresAt.toISOString() } : null,
    };
  });
}

/** The demo's seeded accounts (embedded default only): the system sets their public password. */
export async function createDemoUser(
  db: Db,
  account: { email: string; name: string; role: Role },
  password: string,
  now = new Date(),
) {
  return createAccount(db, SYSTEM_ACTOR, userInputSchema.parse(account), now, await hashPassword(password));
}

export async function changeRole(db: Db, actor: Actor, input: z.input<typeof roleChangeSchema>, now = new Date()) {
  const data = roleChangeSchema.parse(input);
  if (actor.type === "user" && actor.id === data.userId)
    throw new AppError("forbidden", "You cannot change your own role; ask another admin.");
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: data.userId }, select: { role: true, email: true } });
    if (!before) throw new AppError("not_found", "User not found.");
    if (before.role === data.role) return { changed: false, pendingRole: null, grantId: null };
    if (await needsSecondPerson(actor, before.role, data.role)) {
      const grantId = await openGrant(
        tx,
        actor as Extract<Actor, { type: "user" }>,
        { id: data.userId, email: before.email },
        before.role,
        data.role,
        data.reason ?? "",
        now,
      );
      return { changed: false, pendingRole: data.role, grantId };
    }
    // Taking review power away (or any change the system makes) applies at once; so does withdrawing an ask.
    await tx.roleGrant.updateMany({
      where: { userId: data.userId, status: "open" },
      data: { status: "withdrawn", decidedAt: now },
    });
    await tx.user.update({ where: { id: data.userId }, data: { role: data.role } });
    await appendAudit(
      tx,
      {
        actor,
        kind: "user.role_changed",
        entityType: "user",
        entityId: data.userId,
        data: { from: before.role, to: data.role },
      },
      now,
    );
    return { changed: true, pendingRole: null, grantId: null };
  });
}

/** Another reviewer or admin approves or rejects an open grant of review power, with a rationale. */
export async function decideRoleGrant(
  db: Db,
  decider: UserPrincipal,
  input: z.input<typeof roleGrantDecisionSchema>,
  now = new Date(),
) {
  const parsed = roleGrantDecisionSchema.safeParse(input);
  if (!parsed.success) throw zodError(parsed.error, "The decision is not valid.");
  const data = parsed.data;
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT id::text AS id FROM role_grants WHERE id = $1::uuid FOR UPDATE`,
      data.grantId,
    );
    if (rows.length === 0) throw new AppError("not_found", "Role grant not found.");
    const grant = await tx.roleGrant.findUniqueOrThrow({
      where: { id: data.grantId },
      include: {
        user: { select: { role: true, email: true, disabled: true, invitationHash: true, invitationExpiresAt: true } },
      },
    });
    const check = checkRoleGrantDecision({
      grant,
      decider: { id: decider.id, role: decider.role },
      rationale: data.rationale,
      rolesFromIdentityProvider: rolesFromIdentityProvider(),
      granteeInvitationPending: invitationPending(grant.user),
    });
    if (!check.ok) throw domainError(check);
    // Rule 11: the grant was asked against the user's role then; if it moved, the ask is stale.
    if (grant.user.role !== grant.fromRole)
      throw conflict(
        `The user's role changed since this grant was asked (${grant.fromRole} → ${grant.user.role}); ask again.`,
        { changed: { role: { was: grant.fromRole, now: grant.user.role } } },
      );
    const approved = data.decision === "approve";
    await tx.roleGrant.update({
      where: { id: grant.id },
      data: {
        status: approved ? "approved" : "rejected",
        decidedById: decider.id,
        decisionRationale: data.rationale.trim(),
        decidedAt: now,
      },
    });
    const actor = userActor(decider);
    await appendAudit(
      tx,
      {
        actor,
        kind: approved ? "user.role_grant_approved" : "user.role_grant_rejected",
        entityType: "user",
        entityId: grant.userId,
        data: {
          grantId: grant.id,
          email: grant.user.email,
          role: grant.role,
          requestedBy: grant.requestedByLabel,
          rationale: data.rationale.trim(),
        },
      },
      now,
    );
    if (approved) {
      await tx.user.update({ where: { id: grant.userId }, data: { role: grant.role } });
      await appendAudit(
        tx,
        {
          actor,
          kind: "user.role_changed",
          entityType: "user",
          entityId: grant.userId,
          data: { from: grant.fromRole, to: grant.role, grantId: grant.id },
        },
        now,
      );
    }
    return {
      status: approved ? ("approved" as const) : ("rejected" as const),
      role: approved ? grant.role : grant.user.role,
    };
  });
}

export async function setUserDisabled(
  db: Db,
  actor: Actor,
  input: z.input<typeof disableUserSchema>,
  now = new Date(),
) {
  const data = disableUserSchema.parse(input);
  if (actor.type === "user" && actor.id === data.userId)
    throw new AppError("forbidden", "You cannot disable yourself.");
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: data.userId }, select: { disabled: true } });
    if (!before) throw new AppError("not_found", "User not found.");
    if (before.disabled === data.disabled) return { changed: false };
    await tx.user.update({ where: { id: data.userId }, data: { disabled: data.disabled } });
    await appendAudit(
      tx,
      {
        actor,
        kind: data.disabled ? "user.disabled" : "user.enabled",
        entityType: "user",
        entityId: data.userId,
        data: {},
      },
      now,
    );
    return { changed: true };
  });
}

// ── Sessions (SPEC §6: sign-out ends the session on the server) ─────────────────────────────────

/** A signed-in session; its id travels in the JWT and is checked on every request. */
export async function openSession(db: Db, userId: string, maxAgeSeconds: number, now = new Date()): Promise<string> {
  const session = await db.userSession.create({
    data: { userId, createdAt: now, expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000) },
    select: { id: true },
  });
  return session.id;
}

/** Sign-out: the session ends here, whatever copies of its cookie exist. */
export async function revokeSession(db: Db, sessionId: string, now = new Date()): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const s = await tx.userSession.findUnique({
      where: { id: sessionId },
      select: { userId: true, revokedAt: true, user: { select: { email: true } } },
    });
    if (!s || s.revokedAt) return false;
    await tx.userSession.update({ where: { id: sessionId }, data: { revokedAt: now } });
    await appendAudit(
      tx,
      {
        actor: { type: "user", id: s.userId, label: s.user.email },
        kind: "user.logout",
        entityType: "user",
        entityId: s.userId,
        data: { sessionId },
      },
      now,
    );
    return true;
  });
}

// ── Invitations (rule 10): the invitee sets their own password, once ──────────────────────────────

/** Sets the invitee's own password and spends the token in one update; unknown, used and expired links alike refused. */
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
