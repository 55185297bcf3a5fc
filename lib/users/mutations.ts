import type { Db } from "@/lib/db";
import { appendAudit } from "@/lib/audit/mutations";
import type { z } from "zod";
import type { Actor } from "@/lib/audit/mutations";
import { hashPassword } from "@/lib/auth/password";
import { conflict, AppError } from "@/lib/http/errors";
import { disableUserSchema, roleChangeSchema, userInputSchema } from "./schema";
/** A sign-in is audited: it changes state (last login time). */
export async function recordLogin(db: Db, userId: string, method: "credentials" | "oidc", now = new Date()) {
  await db.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: userId }, data: { lastLoginAt: now }, select: { email: true } });
    await appendAudit(tx, { actor: { type: "user", id: userId, label: user.email }, kind: "user.login", entityType: "user", entityId: userId, data: { method } }, now);
  });
}

/** OpenID Connect users are created on first sign-in as viewers; an admin grants more. */
export async function upsertOidcUser(db: Db, input: { email: string; name: string }, now = new Date()) {
  const email = input.email.trim().toLowerCase();
  return db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email } });
    if (existing) {
      await tx.user.update({ where: { id: existing.id }, data: { lastLoginAt: now } });
      await appendAudit(tx, { actor: { type: "user", id: existing.id, label: email }, kind: "user.login", entityType: "user", entityId: existing.id, data: { method: "oidc" } }, now);
      return existing;
    }
    const created = await tx.user.create({ data: { email, name: input.name, role: "viewer", lastLoginAt: now } });
    await appendAudit(tx, { actor: { type: "user", id: created.id, label: email }, kind: "user.created", entityType: "user", entityId: created.id, data: { via: "oidc", role: "viewer" } }, now);
    return created;
  });
}


export async function createUser(db: Db, actor: Actor, input: z.input<typeof userInputSchema>, now = new Date()) {
  const data = userInputSchema.parse(input);
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: data.email }, select: { id: true } })) throw conflict(`A user with email ${data.email} already exists.`);
    const user = await tx.user.create({ data: { email: data.email, name: data.name, role: data.role, passwordHash, createdAt: now }, select: { id: true, email: true, name: true, role: true } });
    await appendAudit(tx, { actor, kind: "user.created", entityType: "user", entityId: user.id, data: { email: user.email, role: user.role } }, now);
    return user;
  });
}

export async function changeRole(db: Db, actor: Actor, input: z.input<typeof roleChangeSchema>, now = new Date()) {
  const data = roleChangeSchema.parse(input);
  if (actor.type === "user" && actor.id === data.userId) throw new AppError("forbidden", "You cannot change your own role; ask another admin.");
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: data.userId }, select: { role: true } });
    if (!before) throw new AppError("not_found", "User not found.");
    if (before.role === data.role) return { changed: false };
    await tx.user.update({ where: { id: data.userId }, data: { role: data.role } });
    await appendAudit(tx, { actor, kind: "user.role_changed", entityType: "user", entityId: data.userId, data: { from: before.role, to: data.role } }, now);
    return { changed: true };
  });
}

export async function setUserDisabled(db: Db, actor: Actor, input: z.input<typeof disableUserSchema>, now = new Date()) {
  const data = disableUserSchema.parse(input);
  if (actor.type === "user" && actor.id === data.userId) throw new AppError("forbidden", "You cannot disable yourself.");
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: data.userId }, select: { disabled: true } });
    if (!before) throw new AppError("not_found", "User not found.");
    if (before.disabled === data.disabled) return { changed: false };
    await tx.user.update({ where: { id: data.userId }, data: { disabled: data.disabled } });
    await appendAudit(tx, { actor, kind: data.disabled ? "user.disabled" : "user.enabled", entityType: "user", entityId: data.userId, data: {} }, now);
    return { changed: true };
  });
}
